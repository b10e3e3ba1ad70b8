package io.dmactl.cli;

import io.dmactl.core.sim.ForwardingChannel;
import io.dmactl.core.sim.ForwardingEngine;
import io.dmactl.core.sim.ForwardingProvider;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.provider.cpu.CpuProvider;

/**
 * A broken software engine for tests that must see selftest fail: the real cpu engine, except
 * that every copy longer than {@code shortByBytes} moves that many bytes too few (a classic
 * off-by-one in a descriptor's length field). Fills are untouched.
 */
public final class ShortCopyProvider extends ForwardingProvider {

    private final int shortByBytes;

    public ShortCopyProvider(int shortByBytes) {
        super("shortcpu", new CpuProvider());
        this.shortByBytes = shortByBytes;
    }

    @Override
    protected DmaEngine wrap(DmaEngine cpu, EngineContext context) {
        return new ForwardingEngine(cpu, channel -> new ShortChannel(channel, shortByBytes));
    }

    private static final class ShortChannel extends ForwardingChannel {
        private final int shortByBytes;

        ShortChannel(DmaChannel inner, int shortByBytes) {
            super(inner);
            this.shortByBytes = shortByBytes;
        }

        @Override
        public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            int length = lengthBytes > shortByBytes ? lengthBytes - shortByBytes : lengthBytes;
            return inner.enqueueCopy(srcSpace, srcAddress, dstSpace, dstAddress, length, flags);
        }
    }
}
