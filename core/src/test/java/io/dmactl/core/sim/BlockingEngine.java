package io.dmactl.core.sim;

import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A software engine with one channel that accepts up to four copies, never completes them, and
 * whose poll blocks until {@link Channel#release} is counted down: a device register read that
 * never returns, for tests of what the core does with a channel owner stuck inside a channel.
 * Its reset throws unless a test allowed it ({@link #resetWorks}) and it counts resets and closes.
 */
public final class BlockingEngine implements DmaEngine {
    private static final int RING_SIZE = 4;

    public final Channel channel = new Channel();
    public final AtomicInteger closeCalls = new AtomicInteger();
    public final AtomicInteger resetCalls = new AtomicInteger();
    /** A reset empties the ring; while false (and {@link #resetFails} too) a reset is a test failure. */
    public volatile boolean resetWorks;
    /** A reset throws as a device that does not come back would. */
    public volatile boolean resetFails;
    private final EngineCapabilities caps = EngineCapabilities.builder().ops(DmaOpKind.COPY)
        .directions(Direction.MEM_TO_MEM).reaches(LocationKind.HOST_MEMORY).addressing(AddressingMode.CPU_VIRTUAL)
        .execution(ExecutionKind.SOFTWARE).ringSize(RING_SIZE).build();

    @Override
    public EngineCapabilities capabilities() {
        return caps;
    }

    @Override
    public DmaChannel channel(int index) {
        return channel;
    }

    @Override
    public void reset() {
        resetCalls.incrementAndGet();
        if (resetFails) {
            throw new IllegalStateException("injected: the device does not come back");
        }
        if (!resetWorks) {
            throw new IllegalStateException("not expected: the channel owner never drained");
        }
        channel.outstanding = 0;
    }

    @Override
    public void close() {
        closeCalls.incrementAndGet();
    }

    /** The engine's one channel; its fields are the test's handles on the stuck poll. */
    public static final class Channel implements DmaChannel {
        public final CountDownLatch pollEntered = new CountDownLatch(1);
        public final CountDownLatch release = new CountDownLatch(1);
        public final AtomicInteger enqueued = new AtomicInteger();
        /** Once released, poll throws: the owner crashes with its ops in the ring. */
        public volatile boolean crashInPoll;
        private volatile int outstanding;
        private long nextTicket;

        private Channel() {
        }

        @Override
        public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            return accept();
        }

        @Override
        public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            return accept();
        }

        private long accept() {
            if (outstanding == RING_SIZE) {
                return NO_SPACE;
            }
            outstanding++;
            enqueued.incrementAndGet();
            return nextTicket++;
        }

        @Override
        public void submit() {
        }

        @Override
        public int poll(CompletionBatch out) {
            out.clear();
            pollEntered.countDown();
            try {
                release.await(); // a device register read that never returns
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (crashInPoll) {
                throw new IllegalStateException("injected: the channel broke");
            }
            return 0;
        }

        @Override
        public int capacity() {
            return RING_SIZE;
        }

        @Override
        public int index() {
            return 0;
        }

        @Override
        public CompletionInterrupt interrupt() {
            return null;
        }
    }
}
