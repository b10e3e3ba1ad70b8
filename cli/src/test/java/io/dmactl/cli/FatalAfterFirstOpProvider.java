package io.dmactl.cli;

import io.dmactl.core.sim.ForwardingChannel;
import io.dmactl.core.sim.ForwardingEngine;
import io.dmactl.core.sim.ForwardingProvider;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.provider.cpu.CpuProvider;

/**
 * A software engine whose "device" dies under its first op, for tests that must see how dmactl
 * reports a transfer the runtime aborted with a reason: the real cpu engine, except that its
 * channels never report a completion and, once an op was enqueued, it reports {@code condition}
 * as a fatal condition, which makes the core's watchdog retire it.
 */
public final class FatalAfterFirstOpProvider extends ForwardingProvider {

    private final String condition;

    public FatalAfterFirstOpProvider(String condition) {
        super("fatalcpu", new CpuProvider());
        this.condition = condition;
    }

    @Override
    protected DmaEngine wrap(DmaEngine cpu, EngineContext context) {
        Enqueued enqueued = new Enqueued();
        return new ForwardingEngine(cpu, channel -> new SilentChannel(channel, enqueued)) {
            @Override
            public String fatalCondition() {
                return enqueued.any ? condition : null;
            }
        };
    }

    /** Set by a channel owner, read by the watchdog. */
    private static final class Enqueued {
        volatile boolean any;
    }

    private static final class SilentChannel extends ForwardingChannel {
        private final Enqueued enqueued;

        SilentChannel(DmaChannel inner, Enqueued enqueued) {
            super(inner);
            this.enqueued = enqueued;
        }

        @Override
        public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            long ticket = inner.enqueueCopy(srcSpace, srcAddress, dstSpace, dstAddress, lengthBytes, flags);
            enqueued.any = true;
            return ticket;
        }

        @Override
        public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            long ticket = inner.enqueueFill(pattern, dstSpace, dstAddress, lengthBytes, flags);
            enqueued.any = true;
            return ticket;
        }

        @Override
        public int poll(CompletionBatch out) {
            return 0; // the dead device reports nothing
        }
    }
}
