package io.dmactl.core.sim;

import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.EngineCapabilities;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An engine that hands every call to another one, with each of its channels passed once through
 * {@code wrapChannel} (so {@link #channel} returns the same object on every call, as the SPI asks).
 * Tests extend it to change one control-path call, e.g. {@link #fatalCondition} or {@link #close}.
 */
public class ForwardingEngine implements DmaEngine {
    protected final DmaEngine inner;
    private final DmaChannel[] channels;

    public ForwardingEngine(DmaEngine inner, UnaryOperator<DmaChannel> wrapChannel) {
        this.inner = Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(wrapChannel, "wrapChannel");
        this.channels = new DmaChannel[inner.capabilities().channelCount()];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = wrapChannel.apply(inner.channel(i));
        }
    }

    @Override
    public EngineCapabilities capabilities() {
        return inner.capabilities();
    }

    @Override
    public DmaChannel channel(int index) {
        return channels[index];
    }

    @Override
    public void reset() {
        inner.reset();
    }

    @Override
    public String fatalCondition() {
        return inner.fatalCondition();
    }

    @Override
    public void close() {
        inner.close();
    }
}
