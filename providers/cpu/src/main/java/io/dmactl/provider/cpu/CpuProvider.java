package io.dmactl.provider.cpu;

import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;

/**
 * The software engine: copies and fills on executor threads of this process, with the same ring,
 * ticket and completion semantics as a hardware engine. Needs no device. Options:
 * {@code cpu.channels} (default 2) and {@code cpu.ringSize} (power of two, default 1024).
 */
public final class CpuProvider implements DmaProvider {
    /** The provider's name, {@value}. */
    public static final String NAME = "cpu";
    /** Option {@value}: channels (executor threads) of the engine, default 2. */
    public static final String OPTION_CHANNELS = "cpu.channels";
    /** Option {@value}: descriptors per channel ring, a power of two, default 1024. */
    public static final String OPTION_RING_SIZE = "cpu.ringSize";

    /** The ServiceLoader entry; the runtime gives the engine its options at open. */
    public CpuProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeviceRequirement devices() {
        return DeviceRequirement.none();
    }

    @Override
    public DmaEngine open(EngineContext context) {
        int channels = context.intOption(OPTION_CHANNELS, 2);
        int ringSize = context.intOption(OPTION_RING_SIZE, 1024);
        if (channels < 1 || channels > 64) {
            throw new IllegalArgumentException(OPTION_CHANNELS + "=" + channels + " must be in 1..64");
        }
        if (ringSize < 2 || ringSize > (1 << 20) || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException(OPTION_RING_SIZE + "=" + ringSize + " must be a power of two in 2..1048576");
        }
        return new CpuEngine(context.engineName(), channels, ringSize);
    }
}
