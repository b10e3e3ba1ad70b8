package io.dmactl.provider.lsi;

import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.PciMatch;
import io.dmactl.vfio.VfioDevice;

import java.util.Objects;

/**
 * The SCRIPTS processor of an LSI53C895A (PCI 1000:0012) or LSI53C810 (1000:0001) SCSI
 * controller as a general memory-to-memory copy engine: each doorbell runs a chain of Memory
 * Move instructions (up to 2^24-1 bytes each, 32-bit bus addresses) that ends in an INT. The
 * 53C895A's 8 KiB SCRIPTS RAM is the private space {@value #RAM_SPACE}. No SCSI bus is used.
 *
 * <p>Options: {@code lsi.completion} = poll (default) | intx, {@code lsi.ringSize} (power of two,
 * default 64), {@code lsi.resetTimeoutMillis} (default 1000).
 */
public final class LsiProvider implements DmaProvider {
    /** The provider's name, {@value}. */
    public static final String NAME = "lsi";
    /** PCI vendor id of LSI Logic (formerly Symbios Logic). */
    public static final int VENDOR_ID = 0x1000;
    /** LSI53C895A. */
    public static final int DEVICE_ID_53C895A = 0x0012;
    /** LSI53C810 (no SCRIPTS RAM). */
    public static final int DEVICE_ID_53C810 = 0x0001;
    /** Name of the private space that is the SCRIPTS RAM. */
    public static final String RAM_SPACE = LsiEngine.RAM_SPACE_NAME;
    /** Option {@value}: {@code poll} (default) or {@code intx}. */
    public static final String OPTION_COMPLETION = LsiSettings.COMPLETION;
    /** Option {@value}: descriptors per channel ring, default 64. */
    public static final String OPTION_RING_SIZE = LsiSettings.RING_SIZE;
    /** Option {@value}: how long a reset may take, default 1000 ms. */
    public static final String OPTION_RESET_TIMEOUT_MILLIS = LsiSettings.RESET_TIMEOUT_MILLIS;

    /** The ServiceLoader entry; the runtime gives each engine its device and options at open. */
    public LsiProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeviceRequirement devices() {
        return DeviceRequirement.pci(PciMatch.ofId(VENDOR_ID, DEVICE_ID_53C895A), PciMatch.ofId(VENDOR_ID, DEVICE_ID_53C810));
    }

    /**
     * Brings up the chip the runtime opened for this engine. Closing the engine resets the chip and
     * turns bus mastering off; the runtime closes the device afterwards.
     *
     * @throws IllegalArgumentException if an option is malformed
     * @throws IllegalStateException    if there is no VFIO device, or it does not answer like an LSI53C8xx
     */
    @Override
    public DmaEngine open(EngineContext context) {
        Objects.requireNonNull(context, "context");
        LsiSettings settings = LsiSettings.from(context);
        VfioDevice device = context.vfioDevice().orElseThrow(() -> new IllegalStateException(context.engineName()
            + ": no VFIO device was handed over; the LSI SCRIPTS engine is driven through vfio-pci only"));
        return LsiEngine.open(context, device, settings);
    }
}
