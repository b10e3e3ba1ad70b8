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
 * A broken software engine for tests that must see selftest fail: the real cpu engine, except
 * that every copy longer than {@code shortByBytes} moves that many bytes too few (a classic
 * off-by-one in a descriptor's length field). Fills are untouched.
 */
public final class ShortCopyProvider implements DmaProvider {

    private final CpuProvider cpu = new CpuProvider();
    private final int shortByBytes;

    public ShortCopyProvider(int shortByBytes) {
        this.shortByBytes = shortByBytes;
    }

    @Override
    public String name() {
        return "shortcpu";
    }

    @Override
    public DeviceRequirement devices() {
        return DeviceRequirement.none();
    }

    @Override
    public DmaEngine open(EngineContext context) {
        DmaEngine engine = cpu.open(context);
        DmaChannel[] channels = new DmaChannel[engine.capabilities().channelCount()];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = new ShortChannel(engine.channel(i), shortByBytes);
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
            public void reset() {
                engine.reset();
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }

    private record ShortChannel(DmaChannel inner, int shortBy) implements DmaChannel {
        @Override
        public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            int length = lengthBytes > shortBy ? lengthBytes - shortBy : lengthBytes;
            return inner.enqueueCopy(srcSpace, srcAddress, dstSpace, dstAddress, length, flags);
        }

        @Override
        public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            return inner.enqueueFill(pattern, dstSpace, dstAddress, lengthBytes, flags);
        }

        @Override
        public void submit() {
            inner.submit();
        }

        @Override
        public int poll(CompletionBatch out) {
            return inner.poll(out);
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
