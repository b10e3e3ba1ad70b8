package io.dmactl.provider.edu;

import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.PciMatch;
import io.dmactl.vfio.VfioDevice;

import java.util.Objects;

/**
 * QEMU's {@code edu} device (PCI 1234:11e8): a DMA engine between bus memory and its own 4 KiB
 * buffer, one transfer at a time, MSI on completion, 28-bit DMA addresses. One engine per device,
 * one channel; its buffer is the private space {@code "buffer"}.
 *
 * <p>Options: {@code edu.completion} = msi (default) | intx | poll; {@code edu.ringSize} (power of two,
 * default 64); {@code edu.quiesceTimeoutMillis} (default 2000).
 */
public final class EduProvider implements DmaProvider {
    /** The provider's name, {@value}. */
    public static final String NAME = "edu";
    /** PCI vendor id of QEMU's own devices. */
    public static final int VENDOR_ID = 0x1234;
    /** PCI device id of the edu device. */
    public static final int DEVICE_ID = 0x11e8;
    /** Name of the private space that is the device buffer. */
    public static final String BUFFER_SPACE = EduEngine.BUFFER_SPACE_NAME;
    /** Option {@value}: {@code msi} (default), {@code intx} or {@code poll}. */
    public static final String OPTION_COMPLETION = EduSettings.COMPLETION;
    /** Option {@value}: descriptors per channel ring, default 64. */
    public static final String OPTION_RING_SIZE = EduSettings.RING_SIZE;
    /** Option {@value}: how long quiescing waits for a running DMA or factorial, default 2000 ms. */
    public static final String OPTION_QUIESCE_TIMEOUT_MILLIS = EduSettings.QUIESCE_TIMEOUT_MILLIS;

    /** The ServiceLoader entry; the runtime gives each engine its device and options at open. */
    public EduProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeviceRequirement devices() {
        return DeviceRequirement.pci(PciMatch.ofId(VENDOR_ID, DEVICE_ID));
    }

    /**
     * Brings up the edu device the runtime opened for this engine ({@link EngineContext#vfioDevice()}).
     * The device stays the runtime's: closing the engine quiesces it, detaches its interrupt and
     * turns bus mastering off; the runtime closes it afterwards.
     *
     * @throws IllegalArgumentException if an option is malformed
     * @throws IllegalStateException    if there is no VFIO device, or it is no edu 1.x, cannot be
     *                                  quiesced or lacks MSI (in MSI mode) or a maskable INTx (in INTx mode)
     */
    @Override
    public DmaEngine open(EngineContext context) {
        Objects.requireNonNull(context, "context");
        EduSettings settings = EduSettings.from(context);
        VfioDevice device = context.vfioDevice().orElseThrow(() -> new IllegalStateException(context.engineName()
            + ": no VFIO device was handed over; edu is driven through vfio-pci only"));
        return EduEngine.open(context, device, settings);
    }
}
