package io.dmactl.cli;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.provider.cpu.CpuProvider;

/**
 * A software engine whose "device" dies under its first op, for tests that must see how dmactl
 * reports a transfer the runtime aborted with a reason: the real cpu engine, except that its
 * channels never report a completion and, once an op was enqueued, it reports {@code condition}
 * as a fatal condition, which makes the core's watchdog retire it.
 */
public final class FatalAfterFirstOpProvider implements DmaProvider {

    private final CpuProvider cpu = new CpuProvider();
    private final String condition;

    public FatalAfterFirstOpProvider(String condition) {
        this.condition = condition;
    }

    @Override
    public String name() {
        return "fatalcpu";
    }

    @Override
    public DeviceRequirement devices() {
        return DeviceRequirement.none();
    }

    @Override
    public DmaEngine open(EngineContext context) {
        DmaEngine engine = cpu.open(context);
        Enqueued enqueued = new Enqueued();
        DmaChannel[] channels = new DmaChannel[engine.capabilities().channelCount()];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = new SilentChannel(engine.channel(i), enqueued);
        }
        return new DmaEngine() {
            @Override
            public EngineCapabilities capabilities() {
                return engine.capabilities();
            }

            @Override
            public DmaChannel channel(int index) {
                return channels[index];
            }

            @Override
            public String fatalCondition() {
                return enqueued.any ? condition : null;
            }

            @Override
            public void reset() {
                engine.reset();
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }

    /** Set by a channel owner, read by the watchdog. */
    private static final class Enqueued {
        volatile boolean any;
    }

    private record SilentChannel(DmaChannel inner, Enqueued enqueued) implements DmaChannel {
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
        public void submit() {
            inner.submit();
        }

        @Override
        public int poll(CompletionBatch out) {
            return 0; // the dead device reports nothing
        }

        @Override
        public int capacity() {
            return inner.capacity();
        }

        @Override
        public int index() {
            return inner.index();
        }

        @Override
        public CompletionInterrupt interrupt() {
            return inner.interrupt();
        }
    }
}
