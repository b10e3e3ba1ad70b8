package io.dmactl.core.completion;

import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing an engine whose channel owner is stuck inside the channel must not close the engine
 * (its memory and registers would go away under the owner): the engine is leaked, on purpose.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EngineSupervisorCloseTest {
    private static final long CONTROL_TIMEOUT_NANOS = 200_000_000L;
    private static final long OP_TIMEOUT_NANOS = 60_000_000_000L;

    @Test
    void aWorkerStuckInPollKeepsTheEngineOpenAndLeaked() throws Exception {
        BlockingEngine engine = new BlockingEngine();
        ChannelWorker worker = new ChannelWorker("stuck", engine.channel, false, System::nanoTime, OP_TIMEOUT_NANOS, null);
        EngineSupervisor supervisor = new EngineSupervisor("stuck", engine, List.of(worker), System::nanoTime,
            CONTROL_TIMEOUT_NANOS);
        supervisor.start();
        try {
            CompletableFuture<TransferResult> result = submitOne(worker);
            assertTrue(engine.channel.pollEntered.await(10, TimeUnit.SECONDS), "the worker never polled");

            assertFalse(supervisor.close(0), "close reports that it leaked the engine");

            assertTrue(supervisor.leaked());
            assertEquals(0, engine.closeCalls.get(), "the engine must not be closed under a running worker");
            assertFalse(worker.threadEnded(), "the worker is still inside poll");
            assertFalse(supervisor.close(0), "a second close changes nothing");
            assertEquals(0, engine.closeCalls.get());

            engine.channel.release.countDown(); // the worker leaves poll, sees the stop and aborts its op
            TransferResult aborted = result.get(10, TimeUnit.SECONDS);
            assertEquals(TransferStatus.ABORTED, aborted.status());
            assertTrue(aborted.reason().orElse("").contains("stuck closed"), aborted.toString());
            assertTrue(worker.join(10_000_000_000L), "the worker ends once it is out of poll");
            assertEquals(0, engine.closeCalls.get(), "a leaked engine stays unclosed");
        } finally {
            engine.channel.release.countDown();
        }
    }

    @Test
    void aWorkerThatStopsLetsTheEngineClose() throws Exception {
        BlockingEngine engine = new BlockingEngine();
        engine.channel.release.countDown(); // poll never blocks
        ChannelWorker worker = new ChannelWorker("fine", engine.channel, false, System::nanoTime, OP_TIMEOUT_NANOS, null);
        EngineSupervisor supervisor = new EngineSupervisor("fine", engine, List.of(worker), System::nanoTime,
            CONTROL_TIMEOUT_NANOS);
        supervisor.start();
        CompletableFuture<TransferResult> result = submitOne(worker);
        assertTrue(engine.channel.pollEntered.await(10, TimeUnit.SECONDS), "the worker never polled");

        assertTrue(supervisor.close(0));

        assertFalse(supervisor.leaked());
        assertEquals(1, engine.closeCalls.get());
        assertTrue(worker.threadEnded());
        assertEquals(TransferStatus.ABORTED, result.get(10, TimeUnit.SECONDS).status(), "never completed by the engine");
    }

    private static CompletableFuture<TransferResult> submitOne(ChannelWorker worker) {
        CompletableFuture<TransferResult> future = new CompletableFuture<>();
        PendingTransfer t = new PendingTransfer(DmaOpKind.COPY, DmaChannel.SPACE_BUS, 0x1000, DmaChannel.SPACE_BUS, 0x2000,
            64, 0, false, 64, System.nanoTime(), null, null, null, null, future::complete);
        worker.submit(t, 1);
        return future;
    }

    /** One channel that accepts ops, never completes them, and whose poll blocks until released. */
    private static final class BlockingEngine implements DmaEngine {
        final BlockingChannel channel = new BlockingChannel();
        final AtomicInteger closeCalls = new AtomicInteger();
        private final EngineCapabilities caps = EngineCapabilities.builder()
            .ops(DmaOpKind.COPY).directions(io.dmactl.core.spi.Direction.MEM_TO_MEM)
            .reaches(io.dmactl.core.location.LocationKind.HOST_MEMORY).ringSize(4).build();

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
            throw new IllegalStateException("not expected: the worker never drained");
        }

        @Override
        public void close() {
            closeCalls.incrementAndGet();
        }
    }

    private static final class BlockingChannel implements DmaChannel {
        final CountDownLatch pollEntered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private long nextTicket;

        @Override
        public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            return nextTicket++;
        }

        @Override
        public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
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
            return 0;
        }

        @Override
        public int capacity() {
            return 4;
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
