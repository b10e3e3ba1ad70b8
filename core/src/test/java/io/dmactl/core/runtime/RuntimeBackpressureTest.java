package io.dmactl.core.runtime;

import io.dmactl.core.BackpressureException;
import io.dmactl.core.BatchResult;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.completion.ChannelAdmission;
import io.dmactl.core.conformance.ThreadAllocation;
import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #11, backpressure: a channel holds at most its bound of pending transfers; callers wait
 * (copy/fill/batch) or fail fast (tryCopy/tryFill/trySubmit); nothing is pinned or mapped for work
 * that waits or is refused; worker threads never wait; close and retire wake waiters.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeBackpressureTest {
    private static final long WAIT_MILLIS = 10_000;
    private static final int BOUND = 6;

    private static SimProvider oneChannelSim(SimControl control) {
        return new SimProvider(SimConfig.defaults().withChannels(1).withRingSize(8), control);
    }

    @Test
    void aCallerWaitsAtTheBoundAndEveryTransferCompletesOnceCompletionsFreeRoom() throws Exception {
        SimControl control = new SimControl();
        int count = 40;
        int length = 512;
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), oneChannelSim(control)).maxPendingPerChannel(BOUND).build();
             DmaBuffer src = dma.allocate((long) count * length);
             DmaBuffer dst = dma.allocate((long) count * length)) {
            byte[] data = randomBytes(count * length, 11);
            write(src, 0, data);
            control.hold = true;
            AtomicInteger returned = new AtomicInteger();
            List<CompletableFuture<TransferResult>> futures = new ArrayList<>();
            Thread client = new Thread(() -> {
                for (int i = 0; i < count; i++) {
                    futures.add(dma.copy(src, (long) i * length, dst, (long) i * length, length));
                    returned.incrementAndGet();
                }
            }, "bp-client");
            client.start();
            assertTrue(SimControl.await(() -> returned.get() == BOUND && client.getState() == Thread.State.TIMED_WAITING,
                WAIT_MILLIS), "the client should be parked after " + BOUND + " copies, it returned from " + returned.get());
            Thread.sleep(200);
            assertEquals(BOUND, returned.get(), "a held engine admits no more than the bound");
            assertTrue(control.visible() <= BOUND, "in the ring: " + control.visible());

            control.hold = false;
            client.join(WAIT_MILLIS);
            assertEquals(count, returned.get(), "the blocked client proceeded as completions freed room");
            for (int i = 0; i < count; i++) {
                assertEquals(TransferStatus.SUCCESS, futures.get(i).get(WAIT_MILLIS, TimeUnit.MILLISECONDS).status(), "copy " + i);
            }
            assertArrayEquals(data, read(dst, 0, count * length), "every byte of every transfer arrived");
        }
    }

    @Test
    void pendingWorkNeverExceedsTheBoundUnderConcurrentClients() throws Exception {
        SimControl control = new SimControl();
        control.delayNanosPerOp = 20_000L;
        int clients = 4;
        int perClient = 300;
        int length = 256;
        int bound = 8;
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(2).withRingSize(4), control);
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).maxPendingPerChannel(bound).build()) {
            AtomicInteger pending = new AtomicInteger();
            AtomicInteger maxPending = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            List<DmaBuffer> buffers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                DmaBuffer src = dma.allocate((long) perClient * length);
                DmaBuffer dst = dma.allocate((long) perClient * length);
                buffers.add(src);
                buffers.add(dst);
                byte[] data = randomBytes(perClient * length, 100 + c);
                write(src, 0, data);
                threads.add(new Thread(() -> {
                    for (int i = 0; i < perClient; i++) {
                        int now = pending.incrementAndGet(); // counted before the call: an upper bound
                        maxPending.accumulateAndGet(now, Math::max);
                        dma.copy(src, (long) i * length, dst, (long) i * length, length, r -> {
                            pending.decrementAndGet();
                            if (r.status() != TransferStatus.SUCCESS) {
                                wrong.incrementAndGet();
                            }
                            done.incrementAndGet();
                        });
                    }
                    assertTrue(SimControl.await(() -> done.get() == clients * perClient, WAIT_MILLIS));
                    assertArrayEquals(data, read(dst, 0, perClient * length));
                }, "bp-client-" + c));
            }
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (Thread t : threads) {
                t.setUncaughtExceptionHandler((th, e) -> failure.set(e));
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(null, failure.get(), () -> "a client failed: " + failure.get());
            assertEquals(clients * perClient, done.get(), "no transfer lost");
            assertEquals(0, wrong.get());
            // Counted by the clients: up to one per client on its way in, and one per channel whose
            // permit came back just before its callback ran.
            int ceiling = bound * 2 + clients + 2;
            assertTrue(maxPending.get() <= ceiling, "pending reached " + maxPending.get() + ", more than " + ceiling);
            for (DmaBuffer b : buffers) {
                b.close();
            }
        }
    }

    @Test
    void theFailFastFormsThrowNamingEngineChannelAndBoundAndTouchNothing() {
        SimControl control = new SimControl();
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        try (DmaRuntime dma = builder(iommu, oneChannelSim(control)).maxPendingPerChannel(4).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            control.hold = true;
            List<CompletableFuture<TransferResult>> admitted = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                admitted.add(dma.tryCopy(src, i * 64L, dst, i * 64L, 64));
            }
            DmaBuffer fresh = dma.allocate(4096);
            long mappings = iommu.mappingCount();
            BackpressureException full = assertThrows(BackpressureException.class, () -> dma.tryCopy(fresh, 0, dst, 0, 64));
            assertTrue(full.getMessage().contains("engine sim"), full.getMessage());
            assertTrue(full.getMessage().contains("sim/ch0"), full.getMessage());
            assertTrue(full.getMessage().contains("bound 4"), full.getMessage());
            assertEquals("sim", full.engineName());
            assertEquals("sim/ch0", full.channel());
            assertEquals(4, full.limit());
            AtomicInteger called = new AtomicInteger();
            assertThrows(BackpressureException.class, () -> dma.tryCopy(fresh, 0, dst, 0, 64, r -> called.incrementAndGet()));
            assertThrows(BackpressureException.class, () -> dma.tryFill(fresh, 0, 64, 7L));
            assertThrows(BackpressureException.class, () -> dma.via("sim").tryFill(fresh, 0, 64, 7L, r -> called.incrementAndGet()));
            BackpressureException batch = assertThrows(BackpressureException.class,
                () -> dma.batch().copy(fresh, 0, dst, 0, 64).fill(fresh, 64, 64, 1L).trySubmit());
            assertTrue(batch.getMessage().contains("a batch of 2 ops"), batch.getMessage());
            assertEquals(mappings, iommu.mappingCount(), "refused work maps nothing");
            assertDoesNotThrow(fresh::close, "refused work pins nothing");
            assertEquals(0, called.get(), "a refused transfer's callback is never called");

            control.hold = false;
            for (CompletableFuture<TransferResult> f : admitted) {
                assertEquals(TransferStatus.SUCCESS, f.join().status());
            }
            assertEquals(TransferStatus.SUCCESS, dma.tryCopy(src, 0, dst, 0, 64).join().status(), "room again");
        }
    }

    @Test
    void aWaitingCallerHasNothingPinnedOrMapped() throws Exception {
        SimControl control = new SimControl();
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        try (DmaRuntime dma = builder(iommu, oneChannelSim(control)).maxPendingPerChannel(2).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            control.hold = true;
            CompletableFuture<TransferResult> first = dma.copy(src, 0, dst, 0, 64);
            CompletableFuture<TransferResult> second = dma.copy(src, 64, dst, 64, 64);
            DmaBuffer waiting = dma.allocate(4096);
            long mappings = iommu.mappingCount();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread client = new Thread(() -> {
                try {
                    dma.copy(waiting, 0, dst, 128, 64);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "bp-waiter");
            client.start();
            assertTrue(SimControl.await(() -> client.getState() == Thread.State.TIMED_WAITING, WAIT_MILLIS));
            assertEquals(mappings, iommu.mappingCount(), "nothing is mapped for a waiting caller");
            assertTrue(RuntimeInternals.iovaOf(dma, waiting, "sim").isEmpty());
            assertDoesNotThrow(waiting::close, "nothing is pinned for a waiting caller");

            control.hold = false;
            client.join(WAIT_MILLIS);
            assertInstanceOf(IllegalStateException.class, thrown.get(), "admitted after the buffer closed: refused as misuse");
            assertTrue(thrown.get().getMessage().contains("closed"), thrown.get().getMessage());
            assertEquals(TransferStatus.SUCCESS, first.join().status());
            assertEquals(TransferStatus.SUCCESS, second.join().status());
            assertEquals(TransferStatus.SUCCESS, dma.tryCopy(src, 0, dst, 0, 64).join().status(),
                "the refused caller gave its room back");
        }
    }

    @Test
    void aCallbackThatSubmitsToItsFullChannelDoesNotDeadlock() throws Exception {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), oneChannelSim(control))
                 .maxPendingPerChannel(4).admissionTimeout(Duration.ofSeconds(50)).build();
             DmaBuffer src = dma.allocate(8192);
             DmaBuffer dst = dma.allocate(8192)) {
            byte[] data = randomBytes(8192, 5);
            write(src, 0, data);
            control.hold = true;
            ConcurrentLinkedQueue<CompletableFuture<TransferResult>> fromCallback = new ConcurrentLinkedQueue<>();
            AtomicReference<Throwable> tryResult = new AtomicReference<>();
            CountDownLatch callbackDone = new CountDownLatch(1);
            dma.copy(src, 0, dst, 0, 64, r -> {
                // Nothing completes while this runs on the channel's worker: the 5th and 6th copy find
                // the channel full, and waiting there would wait for this very thread.
                for (int i = 0; i < 6; i++) {
                    fromCallback.add(dma.copy(src, 1024L + 1024L * i, dst, 1024L + 1024L * i, 1024));
                }
                try {
                    dma.tryCopy(src, 64, dst, 64, 64);
                } catch (Throwable t) {
                    tryResult.set(t);
                }
                callbackDone.countDown();
            });
            List<CompletableFuture<TransferResult>> others = new ArrayList<>();
            for (int i = 1; i < 4; i++) {
                others.add(dma.copy(src, 64L * i + 128, dst, 64L * i + 128, 64));
            }
            control.hold = false;
            assertTrue(callbackDone.await(20, TimeUnit.SECONDS), "the callback waited for its own channel: deadlock");
            assertInstanceOf(BackpressureException.class, tryResult.get(), "the fail-fast form stays fail-fast on the worker");
            assertEquals(6, fromCallback.size());
            for (CompletableFuture<TransferResult> f : fromCallback) {
                assertEquals(TransferStatus.SUCCESS, f.get(WAIT_MILLIS, TimeUnit.MILLISECONDS).status());
            }
            for (CompletableFuture<TransferResult> f : others) {
                assertEquals(TransferStatus.SUCCESS, f.get(WAIT_MILLIS, TimeUnit.MILLISECONDS).status());
            }
            assertArrayEquals(read(src, 1024, 6144), read(dst, 1024, 6144));
            assertEquals(TransferStatus.SUCCESS, dma.tryCopy(src, 0, dst, 0, 64).join().status(),
                "the over-bound work completed and gave its room back");
        }
    }

    @Test
    void closeWakesAWaiterWithAClearError() throws Exception {
        SimControl control = new SimControl();
        DmaRuntime dma = builder(new FakeIommuDomain("iommu"), oneChannelSim(control))
            .maxPendingPerChannel(2).closeGrace(Duration.ofMillis(50)).admissionTimeout(Duration.ofSeconds(50)).build();
        DmaBuffer src = dma.allocate(4096);
        DmaBuffer dst = dma.allocate(4096);
        control.hold = true;
        CompletableFuture<TransferResult> first = dma.copy(src, 0, dst, 0, 64);
        CompletableFuture<TransferResult> second = dma.copy(src, 64, dst, 64, 64);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread client = new Thread(() -> {
            try {
                dma.fill(dst, 256, 64, 1L);
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "bp-waiter");
        client.start();
        assertTrue(SimControl.await(() -> client.getState() == Thread.State.TIMED_WAITING, WAIT_MILLIS));
        long start = System.nanoTime();
        dma.close();
        client.join(WAIT_MILLIS);
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "close waited for the waiter");
        assertInstanceOf(IllegalStateException.class, thrown.get());
        assertTrue(thrown.get().getMessage().contains("closed while this call waited for room on sim/ch0"), thrown.get().getMessage());
        assertEquals(TransferStatus.ABORTED, first.join().status());
        assertEquals(TransferStatus.ABORTED, second.join().status());
    }

    @Test
    void anEngineRetiredWhileACallerWaitsSendsItBackToTheDispatcher() throws Exception {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), oneChannelSim(control))
                 .maxPendingPerChannel(2).admissionTimeout(Duration.ofSeconds(50)).build()) {
            DmaBuffer src = dma.allocate(4096); // stays pinned: the engine's failed reset leaves its ring's memory in place
            DmaBuffer dst = dma.allocate(4096);
            control.hold = true;
            dma.copy(src, 0, dst, 0, 64);
            dma.copy(src, 64, dst, 64, 64);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread client = new Thread(() -> {
                try {
                    dma.copy(src, 128, dst, 128, 64);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "bp-waiter");
            client.start();
            assertTrue(SimControl.await(() -> client.getState() == Thread.State.TIMED_WAITING, WAIT_MILLIS));
            control.failReset = true;
            dma.resetEngine("sim"); // fails: the engine is retired
            client.join(WAIT_MILLIS);
            assertInstanceOf(NoEngineAvailableException.class, thrown.get(), "dispatched again, and nothing else can serve");
            assertTrue(thrown.get().getMessage().contains("sim: reset failed"), thrown.get().getMessage());
        }
    }

    @Test
    void aWaitEndsWithBackpressureOnTimeoutAndOnInterrupt() throws Exception {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), oneChannelSim(control))
                 .maxPendingPerChannel(1).admissionTimeout(Duration.ofMillis(200)).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            control.hold = true;
            CompletableFuture<TransferResult> held = dma.copy(src, 0, dst, 0, 64);
            BackpressureException timedOut = assertThrows(BackpressureException.class, () -> dma.copy(src, 64, dst, 64, 64));
            assertTrue(timedOut.getMessage().contains("admission timeout of 200 ms"), timedOut.getMessage());

            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread client = new Thread(() -> {
                try {
                    dma.batch().copy(src, 64, dst, 64, 64).submit();
                } catch (Throwable t) {
                    thrown.set(t);
                    flag.set(Thread.currentThread().isInterrupted());
                }
            }, "bp-waiter");
            client.start();
            client.interrupt();
            client.join(WAIT_MILLIS);
            assertInstanceOf(BackpressureException.class, thrown.get());
            assertInstanceOf(InterruptedException.class, thrown.get().getCause());
            assertEquals(Boolean.TRUE, flag.get(), "the interrupt flag is set again");
            control.hold = false;
            assertEquals(TransferStatus.SUCCESS, held.join().status());
            BatchResult batch = dma.batch().copy(src, 0, dst, 0, 64).fence().copy(src, 64, dst, 64, 64).submit();
            assertNotNull(batch);
            for (TransferResult r : batch.all().join()) {
                assertEquals(TransferStatus.SUCCESS, r.status(), "a batch longer than the bound runs alone on an empty channel");
            }
        }
    }

    @Test
    void theBoundIsValidated() {
        for (int bad : new int[] {0, -1, (1 << 20) + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DmaRuntime.builder().maxPendingPerChannel(bad));
            assertTrue(e.getMessage().contains("maxPendingPerChannel " + bad + " must be in 1..1048576"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DmaRuntime.builder().admissionTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new ChannelAdmission("x/ch0", 0));
    }

    @Test
    void noWakeUpIsLostBetweenAReleaseAndAWaiterGoingToSleep() throws Exception {
        ChannelAdmission admission = new ChannelAdmission("x/ch0", 1);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overBound = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    try {
                        if (!admission.tryAdmit(1) && !admission.await(1, 5_000_000_000L)) {
                            timedOut.incrementAndGet(); // a release that woke nobody
                            continue;
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    if (inside.incrementAndGet() > 1) {
                        overBound.incrementAndGet();
                    }
                    Thread.yield(); // hold the room a moment: the others must find the channel full
                    inside.decrementAndGet();
                    admission.release(1); // as the worker does when the transfer completes
                }
            }));
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, timedOut.get(), "waiters that were never woken");
        assertEquals(0, overBound.get(), "admissions past a bound of 1");
        assertEquals(0, admission.pending());
    }

    @Test
    void admissionWithRoomAllocatesNothing() {
        ChannelAdmission admission = new ChannelAdmission("x/ch0", 64);
        long allocated = ThreadAllocation.bytesAllocatedBy(() -> {
            for (int i = 0; i < 20_000; i++) {
                if (!admission.tryAdmit(1)) {
                    throw new AssertionError("no room with nothing pending");
                }
                admission.release(1);
            }
        });
        assertEquals(0, allocated);
        assertEquals(0, admission.pending());
    }
}
