package io.dmactl.core.completion;

import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.internal.InFlightGate;
import io.dmactl.core.sim.BlockingEngine;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing an engine whose channel owner is stuck inside the channel must not close the engine
 * (its memory and registers would go away under the owner): the engine is leaked, on purpose.
 * And whenever the engine is given up without a successful reset (stuck owner, failed reset,
 * crashed owner), the ops in its ring end ABORTED but keep their pins: the device may still use
 * their memory.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EngineSupervisorCloseTest {
    private static final long CONTROL_TIMEOUT_NANOS = 200_000_000L;
    private static final long OP_TIMEOUT_NANOS = 60_000_000_000L;

    @Test
    void aWorkerStuckInPollKeepsTheEngineOpenAndLeaked() throws Exception {
        BlockingEngine engine = new BlockingEngine();
        ChannelWorker worker = worker("stuck", engine);
        EngineSupervisor supervisor = start("stuck", engine, worker);
        try {
            PinnedOp result = submitOne(worker);
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
            assertTrue(aborted.reason().orElse("").contains("pinned"), aborted.toString());
            assertTrue(worker.join(10_000_000_000L), "the worker ends once it is out of poll");
            assertEquals(0, engine.closeCalls.get(), "a leaked engine stays unclosed");
            assertPinnedForGood(result);
        } finally {
            engine.channel.release.countDown();
        }
    }

    @Test
    void aWorkerThatStopsLetsTheEngineClose() throws Exception {
        BlockingEngine engine = new BlockingEngine();
        engine.channel.release.countDown(); // poll never blocks
        ChannelWorker worker = worker("fine", engine);
        EngineSupervisor supervisor = start("fine", engine, worker);
        engine.resetWorks = true;
        PinnedOp result = submitOne(worker);
        assertTrue(engine.channel.pollEntered.await(10, TimeUnit.SECONDS), "the worker never polled");

        assertTrue(supervisor.close(0));

        assertFalse(supervisor.leaked());
        assertEquals(1, engine.closeCalls.get());
        assertEquals(1, engine.resetCalls.get(), "the op was still in the ring: close reset the engine");
        assertTrue(worker.threadEnded());
        TransferResult aborted = result.get(10, TimeUnit.SECONDS);
        assertEquals(TransferStatus.ABORTED, aborted.status(), "never completed by the engine");
        assertFalse(aborted.reason().orElse("").contains("pinned"), aborted.toString());
        assertReleased(result);
    }

    @Test
    void aResetThatFailsDuringCloseKeepsTheRingsPins() throws Exception {
        BlockingEngine engine = new BlockingEngine();
        engine.channel.release.countDown();
        engine.resetFails = true;
        ChannelWorker worker = worker("bad", engine);
        EngineSupervisor supervisor = start("bad", engine, worker);
        PinnedOp result = submitOne(worker);
        assertTrue(engine.channel.pollEntered.await(10, TimeUnit.SECONDS), "the worker never polled");

        assertTrue(supervisor.close(0), "the worker stopped, so the engine closes");

        assertEquals(1, engine.resetCalls.get());
        assertEquals(1, engine.closeCalls.get());
        TransferResult aborted = result.get(10, TimeUnit.SECONDS);
        assertEquals(TransferStatus.ABORTED, aborted.status());
        assertTrue(aborted.reason().orElse("").contains("bad closed"), aborted.toString());
        assertTrue(aborted.reason().orElse("").contains("pinned"), aborted.toString());
        assertPinnedForGood(result);
    }

    @Test
    void aFailedResetRetiresTheEngineAndKeepsTheRingsPinsButReleasesQueuedOps() throws Exception {
        BlockingEngine engine = new BlockingEngine();
        engine.channel.release.countDown();
        engine.resetFails = true;
        ChannelWorker worker = worker("sick", engine);
        EngineSupervisor supervisor = start("sick", engine, worker);
        try {
            List<PinnedOp> inRing = List.of(submitOne(worker), submitOne(worker), submitOne(worker), submitOne(worker));
            assertTrue(SimpleWait.until(() -> engine.channel.enqueued.get() == 4), "the ring never filled");
            PinnedOp queued = submitOne(worker); // the ring holds 4: this one stays with the worker

            assertFalse(supervisor.reset(ResetRule.ABORT_ALL, false, "test reset"));

            assertTrue(supervisor.unavailableReason().contains("reset failed"), supervisor.unavailableReason());
            for (PinnedOp op : inRing) {
                TransferResult aborted = op.get(10, TimeUnit.SECONDS);
                assertEquals(TransferStatus.ABORTED, aborted.status());
                assertTrue(aborted.reason().orElse("").contains("sick retired: reset failed"), aborted.toString());
                assertTrue(aborted.reason().orElse("").contains("pinned"), aborted.toString());
                assertPinnedForGood(op);
            }
            TransferResult software = queued.get(10, TimeUnit.SECONDS);
            assertEquals(TransferStatus.ABORTED, software.status());
            assertFalse(software.reason().orElse("").contains("pinned"), software.toString());
            assertReleased(queued);
        } finally {
            supervisor.close(0);
        }
    }

    @Test
    void aCrashedOwnerWhoseEngineCannotBeResetKeepsTheRingsPins() throws Exception {
        BlockingEngine engine = new BlockingEngine();
        engine.resetFails = true;
        engine.channel.crashInPoll = true;
        ChannelWorker worker = worker("crash", engine);
        EngineSupervisor supervisor = start("crash", engine, worker);
        try {
            PinnedOp op = submitOne(worker);
            engine.channel.release.countDown(); // poll now throws: the owner crashes with the op in the ring
            assertTrue(SimpleWait.until(() -> worker.crash() != null), "the owner never crashed");

            assertTrue(supervisor.checkHealth(), "the watchdog retires an engine whose owner died");

            assertEquals(1, engine.resetCalls.get(), "retiring tries a reset first");
            TransferResult aborted = op.get(10, TimeUnit.SECONDS);
            assertEquals(TransferStatus.ABORTED, aborted.status());
            assertTrue(aborted.reason().orElse("").contains("pinned"), aborted.toString());
            assertPinnedForGood(op);
        } finally {
            supervisor.close(0);
        }
    }

    private static ChannelWorker worker(String name, BlockingEngine engine) {
        return new ChannelWorker(name, engine.channel, false, System::nanoTime, OP_TIMEOUT_NANOS, null);
    }

    private static EngineSupervisor start(String name, BlockingEngine engine, ChannelWorker worker) {
        EngineSupervisor supervisor = new EngineSupervisor(name, engine, List.of(worker), System::nanoTime, CONTROL_TIMEOUT_NANOS);
        supervisor.start();
        return supervisor;
    }

    private static void assertPinnedForGood(PinnedOp op) {
        assertEquals(1, op.source.inFlight(), "the source pin is kept: the device may still read it");
        assertEquals(1, op.destination.inFlight(), "the destination pin is kept: the device may still write it");
        assertNotNull(op.destination.leakedPinsReason(), "the gate records why");
        assertTrue(op.destination.tryClose() >= 0, "the destination cannot be closed");
    }

    private static void assertReleased(PinnedOp op) {
        assertEquals(0, op.source.inFlight());
        assertEquals(0, op.destination.inFlight());
        assertNull(op.destination.leakedPinsReason());
    }

    private static PinnedOp submitOne(ChannelWorker worker) {
        PinnedOp op = new PinnedOp();
        assertTrue(op.source.tryPin());
        assertTrue(op.destination.tryPin());
        PendingTransfer t = new PendingTransfer(DmaOpKind.COPY, DmaChannel.SPACE_BUS, 0x1000, DmaChannel.SPACE_BUS, 0x2000,
            64, 0, false, 64, System.nanoTime(), op.source, null, op.destination, null, op::complete);
        worker.submit(t, 1);
        return op;
    }

    /** A submitted op's future and the two location gates it pinned. */
    private static final class PinnedOp extends CompletableFuture<TransferResult> {
        final InFlightGate source = new InFlightGate();
        final InFlightGate destination = new InFlightGate();
    }

    private static final class SimpleWait {
        static boolean until(java.util.function.BooleanSupplier condition) throws InterruptedException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                Thread.sleep(1);
            }
            return true;
        }
    }
}
