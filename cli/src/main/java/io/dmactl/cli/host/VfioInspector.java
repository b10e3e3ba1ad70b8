package io.dmactl.cli.host;

import io.dmactl.vfio.pci.PciDevice;

/**
 * Reads a vfio-pci device's VFIO view for {@code dmactl info}. Behind an interface so the
 * command can be tested on fixture trees, where there is no /dev/vfio to open.
 */
@FunctionalInterface
public interface VfioInspector {

    /**
     * Opens the device through VFIO, reads what it reports and closes it again.
     *
     * @param device a device bound to vfio-pci, with an IOMMU group
     * @throws RuntimeException saying why VFIO could not be asked (no /dev/vfio, group busy, ...)
     */
    VfioReport inspect(PciDevice device);
}
