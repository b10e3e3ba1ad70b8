package io.dmactl.cli;

import io.dmactl.core.sim.ForwardingChannel;
import io.dmactl.core.sim.ForwardingEngine;
import io.dmactl.core.sim.ForwardingProvider;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.provider.cpu.CpuProvider;

/**
 * A broken software engine for tests that must see bench fail: the real cpu engine (the copies
 * happen), except that every {@code everyNth} completion it reports says DEVICE_ERROR with device
 * code 0x2a.
 */
public final class FailingStatusProvider extends ForwardingProvider {

    public static final int DEVICE_CODE = 0x2a;
    private final int everyNth;

    public FailingStatusProvider(int everyNth) {
        super("failcpu", new CpuProvider());
        this.everyNth = everyNth;
    }

    @Override
    protected DmaEngine wrap(DmaEngine cpu, EngineContext context) {
        return new ForwardingEngine(cpu, channel -> new FailingChannel(channel, everyNth));
    }

    private static final class FailingChannel extends ForwardingChannel {
        private final int everyNth;
        private CompletionBatch inner;
        private long reported;

        FailingChannel(DmaChannel channel, int everyNth) {
            super(channel);
            this.everyNth = everyNth;
        }

        @Override
        public int poll(CompletionBatch out) {
            if (inner == null || inner.capacity() != out.capacity()) {
                inner = new CompletionBatch(out.capacity());
            }
            int n = super.poll(inner);
            out.clear();
            for (int i = 0; i < n; i++) {
                boolean fail = ++reported % everyNth == 0;
                out.add(inner.ticket(i), fail ? OpStatus.DEVICE_ERROR : inner.status(i), fail ? DEVICE_CODE : inner.deviceCode(i));
            }
            return n;
        }
    }
}
