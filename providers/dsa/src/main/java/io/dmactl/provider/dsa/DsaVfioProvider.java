package io.dmactl.provider.dsa;

import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.PciMatch;

import java.util.Objects;
import java.util.function.Function;

/**
 * Intel DSA functions bound to vfio-pci, configured by dmactl itself (the second way in; the same
 * channel code as {@link DsaProvider}, IOVAs instead of shared virtual addresses, MOVDIR64B portal
 * stores instead of write(2)). Matches Intel's DSA device ids: 0x0b25 (Sapphire/Emerald Rapids;
 * vfio-pci refuses it unless its denylist is disabled) and 0x11fb (Granite Rapids-D). Options as
 * {@link DsaProvider} plus {@code dsa.channels} (queues to configure, default 1) and
 * {@code dsa.queueSize} (entries per dedicated queue, default 32), {@code dsa.completion} (msix,
 * default: one vector per queue; or poll).
 */
public final class DsaVfioProvider implements DmaProvider {
    /** The provider's name, {@value}. */
    public static final String NAME = "dsa-vfio";
    /** Option {@value}: channels (dedicated work queues) per function, 1..8, default 1. */
    public static final String OPTION_CHANNELS = "dsa.channels";
    /** Option {@value}: entries per work queue, 2..4096, default 32. */
    public static final String OPTION_QUEUE_SIZE = "dsa.queueSize";
    /** Option {@value}: {@code msix} (default) or {@code poll}. */
    public static final String OPTION_COMPLETION = "dsa.completion";
    static final int VENDOR_INTEL = 0x8086;
    static final int DEVICE_DSA_SPR = 0x0b25;
    static final int DEVICE_DSA_GNRD = 0x11fb;
    private static final long COMMAND_TIMEOUT_NANOS = 1_000_000_000L;

    private final Function<EngineContext, DsaMmio> functions;

    /** The ServiceLoader entry: the function is the runtime's VFIO device (MMIO through vfio-binding). */
    public DsaVfioProvider() {
        this(context -> new VfioDsaMmio(context.vfioDevice().orElseThrow(() -> new IllegalStateException(
            context.engineName() + ": no VFIO device was handed over"))));
    }

    /**
     * A provider whose functions come from {@code functions} (a register-file model, in tests).
     *
     * @param functions makes the register access of each engine's function
     */
    public DsaVfioProvider(Function<EngineContext, DsaMmio> functions) {
        this.functions = Objects.requireNonNull(functions, "functions");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeviceRequirement devices() {
        return DeviceRequirement.pci(PciMatch.ofId(VENDOR_INTEL, DEVICE_DSA_SPR), PciMatch.ofId(VENDOR_INTEL, DEVICE_DSA_GNRD));
    }

    @Override
    public DmaEngine open(EngineContext context) {
        Objects.requireNonNull(context, "context");
        DsaSettings settings = DsaSettings.from(context);
        int channels = context.intOption(OPTION_CHANNELS, 1);
        int queueSize = context.intOption(OPTION_QUEUE_SIZE, 32);
        if (channels < 1 || channels > 8) {
            throw new IllegalArgumentException("option " + OPTION_CHANNELS + "=" + channels + " must be in 1..8");
        }
        if (queueSize < 2 || queueSize > 1 << 12) {
            throw new IllegalArgumentException("option " + OPTION_QUEUE_SIZE + "=" + queueSize + " must be in 2..4096");
        }
        String completion = context.option(OPTION_COMPLETION, "msix").strip();
        if (!completion.equals("msix") && !completion.equals("poll")) {
            throw new IllegalArgumentException("option " + OPTION_COMPLETION + "=" + completion + " must be msix or poll");
        }
        DsaMmio mmio = functions.apply(context);
        DsaVfioPath path = DsaVfioPath.bringUp(context.engineName(), mmio, channels, queueSize, completion.equals("msix"),
            COMMAND_TIMEOUT_NANOS);
        try {
            return DsaEngine.open(context, path.bindings, settings, path);
        } catch (RuntimeException e) {
            try {
                path.close();
            } catch (RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }
}
