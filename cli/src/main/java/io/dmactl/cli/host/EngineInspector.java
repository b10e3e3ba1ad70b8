package io.dmactl.cli.host;

import io.dmactl.core.EngineInfo;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.vfio.pci.PciDevice;

/**
 * Opens a device's engine just long enough to read what it declares (capabilities, private
 * spaces) for {@code dmactl info}. Engines describe themselves only when opened, and opening
 * one quiesces or resets its device. Behind an interface so fixture-tree tests never open real
 * VFIO groups.
 */
@FunctionalInterface
public interface EngineInspector {

    /**
     * @param device   a function bound to vfio-pci
     * @param provider the provider that declares it drives {@code device}
     * @throws RuntimeException saying why the engine could not be opened
     */
    EngineInfo inspect(PciDevice device, DmaProvider provider);
}
