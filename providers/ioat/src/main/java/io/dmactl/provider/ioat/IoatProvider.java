package io.dmactl.provider.ioat;

import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;

import java.util.Objects;
import java.util.function.Function;

/**
 * Intel QuickData Technology (I/OAT, Crystal Beach DMA "CBDMA") functions of Xeon servers, CBVER
 * 3.0 and later, over vfio-pci: one engine per PCI function, one engine channel per hardware
 * channel, copy (and fill where DMACAPABILITY offers FILL_BLOCK) between any two locations of the
 * engine's IOMMU domain (host memory, other devices' BARs).
 *
 * <p>Options: {@code ioat.completion} = msix (default) | poll; {@code ioat.ringSize} (power of two,
 * default 128); {@code ioat.channels} (at most this many channels); {@code ioat.resetTimeoutMillis}
 * (default 1000).
 */
public final class IoatProvider implements DmaProvider {
    /** The provider's name, {@value}. */
    public static final String NAME = "ioat";
    /** Option {@value}: {@code msix} (default) or {@code poll}. */
    public static final String OPTION_COMPLETION = IoatSettings.COMPLETION;
    /** Option {@value}: descriptors per channel ring, default 128. */
    public static final String OPTION_RING_SIZE = IoatSettings.RING_SIZE;
    /** Option {@value}: the most channels to use, default all the function has. */
    public static final String OPTION_CHANNELS = IoatSettings.CHANNELS;
    /** Option {@value}: how long a channel reset or the start null descriptor may take, default 1000 ms. */
    public static final String OPTION_RESET_TIMEOUT_MILLIS = IoatSettings.RESET_TIMEOUT_MILLIS;

    private final Function<EngineContext, IoatFunction> functions;

    /** The ServiceLoader entry: the function is the runtime's VFIO device. */
    public IoatProvider() {
        this(context -> new VfioIoatFunction(context.vfioDevice().orElseThrow(() -> new IllegalStateException(
            context.engineName() + ": no VFIO device was handed over; ioat is driven through vfio-pci only"))));
    }

    /**
     * A provider whose functions come from {@code functions} (a device model, in tests); it still
     * declares the QuickData PCI ids.
     *
     * @param functions makes the register access of each engine's function
     */
    public IoatProvider(Function<EngineContext, IoatFunction> functions) {
        this.functions = Objects.requireNonNull(functions, "functions");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeviceRequirement devices() {
        return DeviceRequirement.pci(IoatPciIds.matches());
    }

    /**
     * Checks the options (before any register is touched), then brings the function up.
     *
     * @throws IllegalArgumentException if an option is malformed
     * @throws IllegalStateException    if the function is older than CBVER 3.0, has no channel or
     *                                  usable XFERCAP, lacks the MSI-X vectors asked for, or a
     *                                  channel does not reset or start
     */
    @Override
    public DmaEngine open(EngineContext context) {
        Objects.requireNonNull(context, "context");
        IoatSettings settings = IoatSettings.from(context);
        return IoatEngine.open(context, functions.apply(context), settings);
    }
}
