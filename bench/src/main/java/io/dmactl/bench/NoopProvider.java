package io.dmactl.bench;

import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;

/**
 * Provider of the benchmark-only {@link NoopEngine}. Deliberately not registered with
 * ServiceLoader: benchmarks hand it to a runtime or fixture explicitly, so it can never serve a
 * real transfer. Options: {@code noop.channels} (default 1), {@code noop.ringSize} (default 1024).
 */
public final class NoopProvider implements DmaProvider {
    public static final String NAME = "noop";
    public static final String OPTION_CHANNELS = "noop.channels";
    public static final String OPTION_RING_SIZE = "noop.ringSize";

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
        int channels = context.intOption(OPTION_CHANNELS, 1);
        int ringSize = context.intOption(OPTION_RING_SIZE, 1024);
        if (channels < 1 || channels > 64) {
            throw new IllegalArgumentException(OPTION_CHANNELS + "=" + channels + " must be in 1..64");
        }
        if (ringSize < 2 || ringSize > (1 << 20) || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException(OPTION_RING_SIZE + "=" + ringSize + " must be a power of two in 2..1048576");
        }
        return new NoopEngine(channels, ringSize);
    }
}
