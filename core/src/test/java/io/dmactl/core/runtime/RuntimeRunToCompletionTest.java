package io.dmactl.core.runtime;

import io.dmactl.core.Completion;
import io.dmactl.core.CompletionHandler;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.conformance.ThreadAllocation;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #11, run to completion: clients drive their channel (submit, harvest in join() and
 * poll()), the worker is the fallback for work nobody drives, each transfer completes exactly
 * once whoever harvests it, a throwing handler does not stop the channel, and the handler path
 * allocates nothing per transfer on the client's thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeRunToCompletionTest {
    private static final long WAIT_MILLIS = 20_000;
    private static final int LENGTH = 256;

    private static SimProvider sim(SimControl control, boolean interrupts) {
        return new SimProvider(SimConfig.defaults().withChannels(1).withRingSize(64).withInterrupts(interrupts), control);
    }

    /** Counts completions per context; remembers any context completed twice and any failure. */
    private static final class CountingHandler implements CompletionHandler {
        final AtomicIntegerArray calls;
        final AtomicLong completed = new AtomicLong();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();

        CountingHandler(int contexts) {
            calls = new AtomicIntegerArray(contexts);
        }

        @Override
        public void onComplete(long context, Completion completion) {
            if (calls.incrementAndGet((int) context) != 1) {
                problems.add("context " + context + " completed twice");
            }
            if (!completion.isSuccess()) {
                problems.add("context " + context + ": " + completion);
            }
            threads.add(Thread.currentThread().getName());
            completed.incrementAndGet();
        }
    }

    @ParameterizedTest(name = "interrupts={0}")
    @ValueSource(booleans = {false, true})
    void aClientThatStopsPollingMidFlightStillGetsEveryCompletionExactlyOnceFromTheWorker(boolean interrupts) throws Exception {
        SimControl control = new SimControl();
        int count = 48;
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, interrupts)).build();
             DmaBuffer src = dma.allocate((long) count * LENGTH);
             DmaBuffer dst = dma.allocate((long) count * LENGTH)) {
            byte[] data = randomBytes(count * LENGTH, 5);
            write(src, 0, data);
            CountingHandler handler = new CountingHandler(count);
            String clientName = "rtc-client";
            Thread client = new Thread(() -> {
                control.hold = true; // the engine fetches nothing: the client's polls harvest nothing
                for (int i = 0; i < count; i++) {
                    dma.copy(src, (long) i * LENGTH, dst, (long) i * LENGTH, LENGTH, handler, i);
                }
                for (int i = 0; i < 100; i++) {
                    dma.poll(); // drives the channel while it holds work, then stops for good
                }
            }, clientName);
            client.start();
            client.join();
            assertEquals(0, handler.completed.get(), "a held engine completed something");
            control.hold = false;
            assertTrue(SimControl.await(() -> handler.completed.get() == count, WAIT_MILLIS),
                "completed " + handler.completed.get() + " of " + count + " after the client stopped polling");
            Thread.sleep(50);
            assertEquals(count, handler.completed.get(), "completions after the last one: " + handler.problems);
            assertTrue(handler.problems.isEmpty(), handler.problems.toString());
            for (int i = 0; i < count; i++) {
                assertEquals(1, handler.calls.get(i), "context " + i);
            }
            assertTrue(handler.threads.stream().noneMatch(clientName::equals), "the client had stopped: " + handler.threads);
            assertArrayEquals(data, read(dst, 0, count * LENGTH));
        }
    }

    @Test
    void aClientThatPollsHarvestsOnItsOwnThreadAndEachTransferCompletesOnce() throws Exception {
        SimControl control = new SimControl();
        int count = 2_000;
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, false)).build();
             DmaBuffer src = dma.allocate(32L * LENGTH);
             DmaBuffer dst = dma.allocate(32L * LENGTH)) {
            write(src, 0, randomBytes(32 * LENGTH, 6));
            CountingHandler handler = new CountingHandler(count);
            int submitted = 0;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            while (handler.completed.get() < count && System.nanoTime() < deadline) {
                if (submitted < count && submitted - handler.completed.get() < 32) {
                    long offset = (long) (submitted % 32) * LENGTH;
                    dma.copy(src, offset, dst, offset, LENGTH, handler, submitted++);
                }
                dma.poll();
            }
            assertEquals(count, handler.completed.get());
            assertTrue(handler.problems.isEmpty(), handler.problems.toString());
            long onThisThread = handler.threads.stream().filter(Thread.currentThread().getName()::equals).count();
            // The worker may take over now and then (when this thread was descheduled for a whole
            // watch period), but a polling client harvests essentially everything itself.
            assertTrue(onThisThread > count / 2, "harvested by the polling client: " + onThisThread + " of " + count);
            assertArrayEquals(read(src, 0, 32 * LENGTH), read(dst, 0, 32 * LENGTH));
        }
    }

    @Test
    void aHandlerThatThrowsDoesNotStopTheChannelAndEveryTransferStillCompletesOnce() throws Exception {
        SimControl control = new SimControl();
        int count = 64;
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, false)).build();
             DmaBuffer src = dma.allocate((long) count * LENGTH);
             DmaBuffer dst = dma.allocate((long) count * LENGTH)) {
            byte[] data = randomBytes(count * LENGTH, 7);
            write(src, 0, data);
            CountingHandler counting = new CountingHandler(count);
            CompletionHandler throwing = (context, completion) -> {
                counting.onComplete(context, completion);
                if (context % 2 == 0) {
                    throw new IllegalStateException("client bug in handler for " + context);
                }
            };
            for (int i = 0; i < count; i++) {
                dma.copy(src, (long) i * LENGTH, dst, (long) i * LENGTH, LENGTH, throwing, i);
                dma.poll(); // some throw on this thread, inside poll: poll must not pass it on
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            while (counting.completed.get() < count && System.nanoTime() < deadline) {
                dma.poll();
            }
            assertEquals(count, counting.completed.get());
            assertTrue(counting.problems.isEmpty(), counting.problems.toString());
            assertArrayEquals(data, read(dst, 0, count * LENGTH));
            // The channel carries on: a copy and a future after all that.
            TransferResult after = dma.copy(src, 0, dst, 0, LENGTH).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertEquals(TransferStatus.SUCCESS, after.status());
            CompletableFuture<TransferResult> callbackThrew = new CompletableFuture<>();
            dma.copy(src, 0, dst, 0, LENGTH, r -> {
                callbackThrew.complete(r);
                throw new IllegalStateException("client bug in callback");
            });
            assertEquals(TransferStatus.SUCCESS, callbackThrew.get(WAIT_MILLIS, TimeUnit.MILLISECONDS).status());
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, dst, 0, LENGTH).join().status());
        }
    }

    @Test
    void waitingInsideAHandlerForATransferOfTheSameChannelThrowsInsteadOfWaitingForItself() throws Exception {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, false)).build();
             DmaBuffer src = dma.allocate(2 * LENGTH);
             DmaBuffer dst = dma.allocate(2 * LENGTH)) {
            write(src, 0, randomBytes(2 * LENGTH, 8));
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            CompletableFuture<CompletableFuture<TransferResult>> nested = new CompletableFuture<>();
            dma.copy(src, 0, dst, 0, LENGTH, (context, completion) -> {
                CompletableFuture<TransferResult> inner = dma.copy(src, LENGTH, dst, LENGTH, LENGTH);
                try {
                    inner.join();
                } catch (Throwable t) {
                    thrown.set(t);
                }
                nested.complete(inner);
            }, 0);
            CompletableFuture<TransferResult> inner = nested.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            IllegalStateException e = assertInstanceOf(IllegalStateException.class, thrown.get());
            assertTrue(e.getMessage().contains("wait for itself"), e.getMessage());
            assertEquals(TransferStatus.SUCCESS, inner.get(WAIT_MILLIS, TimeUnit.MILLISECONDS).status(),
                "the nested copy still completes once the handler returned");
        }
    }

    @Test
    void theHandlerPathAllocatesNothingPerTransferOnTheClientThread() {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, false)).build();
             DmaBuffer src = dma.allocate(32L * LENGTH);
             DmaBuffer dst = dma.allocate(32L * LENGTH)) {
            write(src, 0, randomBytes(32 * LENGTH, 9));
            CountingHandler unused = new CountingHandler(1);
            long[] done = new long[1];
            CompletionHandler handler = (context, completion) -> {
                if (!completion.isSuccess()) {
                    unused.problems.add("context " + context + ": " + completion.status());
                }
                done[0]++; // one owner at a time runs handlers; only counted here
            };
            long allocated = ThreadAllocation.bytesAllocatedBy(() -> {
                long submitted = done[0];
                long target = submitted + 2_000;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
                while (done[0] < target && System.nanoTime() < deadline) {
                    if (submitted < target && submitted - done[0] < 32) {
                        long offset = (submitted % 32) * LENGTH;
                        dma.copy(src, offset, dst, offset, LENGTH, handler, submitted++);
                    }
                    dma.poll();
                }
                if (done[0] < target) {
                    throw new AssertionError("only " + done[0] + " of " + target + " completed");
                }
            });
            assertTrue(unused.problems.isEmpty(), unused.problems.toString());
            assertEquals(0, allocated, "bytes allocated on the client thread by 2,000 handler-path copies");
        }
    }

    @Test
    void theFuturePathAllocatesTheFutureAndItsResultOnly() {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, false)).build();
             DmaBuffer src = dma.allocate(LENGTH);
             DmaBuffer dst = dma.allocate(LENGTH)) {
            int copies = 2_000;
            long allocated = ThreadAllocation.bytesAllocatedBy(() -> {
                for (int i = 0; i < copies; i++) {
                    if (!dma.copy(src, 0, dst, 0, LENGTH).join().isSuccess()) {
                        throw new AssertionError("copy " + i + " failed");
                    }
                }
            });
            // A DrivingFuture (a CompletableFuture and its channel) and a TransferResult: 72 bytes with compressed oops.
            assertTrue(allocated <= 96L * copies, allocated / copies + " bytes per copy().join()");
        }
    }

    @Test
    void aHandlerThatSubmitsWhileItsThreadWaitsForRoomGetsAFreshDispatchShapeAndEverythingCompletes() throws Exception {
        SimControl control = new SimControl();
        int chains = 24;
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, false)).maxPendingPerChannel(1).build();
             DmaBuffer src = dma.allocate(2L * chains * LENGTH);
             DmaBuffer dst = dma.allocate(2L * chains * LENGTH)) {
            byte[] data = randomBytes(2 * chains * LENGTH, 10);
            write(src, 0, data);
            CountingHandler counting = new CountingHandler(2 * chains);
            // Each first-round copy's handler submits its second-round copy, at another offset. The
            // channel holds one transfer, so this thread's next copy waits for room by harvesting,
            // which runs the handler on this thread, inside the outer copy's submission.
            CompletionHandler chaining = new CompletionHandler() {
                @Override
                public void onComplete(long context, Completion completion) {
                    counting.onComplete(context, completion);
                    if (context < chains) {
                        long second = context + chains;
                        dma.copy(src, second * LENGTH, dst, second * LENGTH, LENGTH, counting, second);
                    }
                }
            };
            for (int i = 0; i < chains; i++) {
                dma.copy(src, (long) i * LENGTH, dst, (long) i * LENGTH, LENGTH, chaining, i);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            while (counting.completed.get() < 2L * chains && System.nanoTime() < deadline) {
                dma.poll();
            }
            assertEquals(2L * chains, counting.completed.get());
            assertTrue(counting.problems.isEmpty(), counting.problems.toString());
            assertArrayEquals(data, read(dst, 0, 2 * chains * LENGTH));
        }
    }

    @Test
    void pollOnAClosedRuntimeHarvestsNothing() {
        DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(new SimControl(), false)).build();
        dma.close();
        assertEquals(0, dma.poll());
        assertNotNull(dma.diagnostics());
    }
}
