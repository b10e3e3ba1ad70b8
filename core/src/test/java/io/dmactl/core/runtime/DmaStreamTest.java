package io.dmactl.core.runtime;

import io.dmactl.core.BackpressureException;
import io.dmactl.core.Completion;
import io.dmactl.core.CompletionHandler;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.DmaStream;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.conformance.ThreadAllocation;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.DmaAccess;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #11, {@link DmaStream}: a client's lane onto one channel with its locations pinned and
 * mapped once. Transfers move the right bytes (the simulated engine completes out of order),
 * each completes exactly once whoever harvests it, nothing reaches the engine before submit,
 * misuse is refused before anything is touched, close waits for the stream's work and then
 * unpins, the runtime's close closes streams, and the handler path allocates nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DmaStreamTest {
    private static final long WAIT_MILLIS = 20_000;
    private static final int LENGTH = 256;
    private static final int SLOTS = 32;

    private static SimProvider sim(SimControl control, boolean interrupts) {
        return new SimProvider(SimConfig.defaults().withChannels(2).withRingSize(64).withInterrupts(interrupts), control);
    }

    /** Counts completions per context; remembers any context completed twice and any failure. */
    private static final class CountingHandler implements CompletionHandler {
        final AtomicIntegerArray calls;
        final AtomicLong completed = new AtomicLong();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<TransferStatus> statuses = new ConcurrentLinkedQueue<>();
        final boolean expectSuccess;

        CountingHandler(int contexts, boolean expectSuccess) {
            calls = new AtomicIntegerArray(contexts);
            this.expectSuccess = expectSuccess;
        }

        @Override
        public void onComplete(long context, Completion completion) {
            if (calls.incrementAndGet((int) context) != 1) {
                problems.add("context " + context + " completed twice");
            }
            if (expectSuccess && !completion.isSuccess()) {
                problems.add("context " + context + ": " + completion);
            }
            statuses.add(completion.status());
            threads.add(Thread.currentThread().getName());
            completed.incrementAndGet();
        }
    }

    @ParameterizedTest(name = "interrupts={0}")
    @ValueSource(booleans = {false, true})
    void copiesAndFillsMoveTheRightBytesAndEachCompletesOnceOnThePollingThread(boolean interrupts) {
        SimControl control = new SimControl();
        int rounds = 40;
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, interrupts)).build();
             DmaBuffer src = dma.allocate((long) SLOTS * LENGTH);
             DmaBuffer dst = dma.allocate((long) SLOTS * LENGTH);
             DmaBuffer filled = dma.allocate(8192)) {
            CountingHandler handler = new CountingHandler(rounds * SLOTS + 1, true);
            try (DmaStream stream = dma.stream().reads(src).writes(dst, filled).fills().depth(SLOTS).open()) {
                assertEquals(SLOTS, stream.capacity());
                for (int round = 0; round < rounds; round++) {
                    byte[] data = randomBytes(SLOTS * LENGTH, round);
                    write(src, 0, data);
                    for (int slot = 0; slot < SLOTS; slot++) {
                        long offset = (long) slot * LENGTH;
                        stream.enqueueCopy(src, offset, dst, offset, LENGTH, handler, (long) round * SLOTS + slot);
                    }
                    assertEquals(SLOTS, stream.staged());
                    assertEquals(SLOTS, stream.submit());
                    long target = (long) (round + 1) * SLOTS;
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
                    while (handler.completed.get() < target && System.nanoTime() < deadline) {
                        stream.poll();
                    }
                    assertEquals(target, handler.completed.get(), "round " + round + ": " + handler.problems);
                    assertArrayEquals(data, read(dst, 0, SLOTS * LENGTH), "round " + round);
                }
                stream.enqueueFill(filled, 4096, 4096, 0x1122334455667788L, handler, (long) rounds * SLOTS);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
                while (handler.completed.get() < (long) rounds * SLOTS + 1 && System.nanoTime() < deadline) {
                    stream.poll();
                }
                assertEquals(0, stream.pending());
            }
            assertTrue(handler.problems.isEmpty(), handler.problems.toString());
            for (int i = 0; i < rounds * SLOTS + 1; i++) {
                assertEquals(1, handler.calls.get(i), "context " + i);
            }
            for (int i = 0; i < 4096; i += 8) {
                assertEquals(0L, filled.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, i), "unfilled half at " + i);
                assertEquals(0x1122334455667788L, filled.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 4096 + i), "fill at " + i);
            }
            // The worker may still take over while this thread is descheduled (a loaded machine): only "some here" is certain.
            assertTrue(handler.threads.stream().anyMatch(Thread.currentThread().getName()::equals),
                "a polling client harvests on its own thread: " + handler.threads.stream().distinct().toList());
        }
    }

    @Test
    void futuresSubmitWhatIsStagedWhenJoinedAndCarryTheResult() {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, false)).build();
             DmaBuffer src = dma.allocate((long) SLOTS * LENGTH);
             DmaBuffer dst = dma.allocate((long) SLOTS * LENGTH);
             DmaStream stream = dma.stream().reads(src).writes(dst).open()) {
            byte[] data = randomBytes(SLOTS * LENGTH, 9);
            write(src, 0, data);
            List<CompletableFuture<TransferResult>> futures = new ArrayList<>();
            for (int slot = 0; slot < SLOTS; slot++) {
                long offset = (long) slot * LENGTH;
                futures.add(stream.enqueueCopy(src, offset, dst, offset, LENGTH));
            }
            assertEquals(0, control.doorbells(), "nothing reaches the engine before it is submitted");
            for (CompletableFuture<TransferResult> f : futures) {
                TransferResult r = f.join();
                assertEquals(TransferStatus.SUCCESS, r.status(), r.toString());
                assertEquals(LENGTH, r.lengthBytes());
            }
            assertEquals(1, control.doorbells(), "one doorbell for the 32 staged copies");
            assertArrayEquals(data, read(dst, 0, SLOTS * LENGTH));
        }
    }

    @Test
    void theStreamPinsAndMapsOnceWithLeastPrivilegeAndUnpinsWhenClosed() {
        SimControl control = new SimControl();
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        try (DmaRuntime dma = builder(iommu, sim(control, false)).build()) {
            DmaBuffer src = dma.allocate(8192);
            DmaBuffer dst = dma.allocate(8192);
            DmaStream stream = dma.stream().reads(src).writes(dst).open();
            assertEquals(2, iommu.mapCalls(), "one mapping per location, taken when the stream opened");
            assertEquals(List.of(DmaAccess.DEVICE_READS), iommu.mappingsOf(src.pages().address()).stream()
                .map(FakeIommuDomain.MappedRange::access).toList(), "the source is mapped read-only");
            assertEquals(List.of(DmaAccess.DEVICE_WRITES), iommu.mappingsOf(dst.pages().address()).stream()
                .map(FakeIommuDomain.MappedRange::access).toList(), "the destination is mapped write-only");
            for (int i = 0; i < 100; i++) {
                assertTrue(stream.enqueueCopy(src, 0, dst, 0, 4096).join().isSuccess());
            }
            assertEquals(2, iommu.mapCalls(), "no mapping per transfer");
            IllegalStateException pinned = assertThrows(IllegalStateException.class, src::close);
            assertTrue(pinned.getMessage().contains("in flight"), pinned.getMessage());
            stream.close();
            stream.close(); // idempotent
            src.close();
            dst.close();
            assertTrue(iommu.mappingsOf(src.pages().address()).isEmpty(), "unmapped after close: " + iommu.mappings());
            assertTrue(iommu.mappingsOf(dst.pages().address()).isEmpty(), "unmapped after close: " + iommu.mappings());
        }
    }

    @Test
    void misuseIsRefusedBeforeAnythingIsQueuedAndSaysWhy() throws Exception {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, false)).build();
             DmaBuffer src = dma.allocate(8192);
             DmaBuffer dst = dma.allocate(8192);
             DmaBuffer other = dma.allocate(4096)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> dma.stream().open()).getMessage()
                .contains("at least one location"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> dma.stream().reads(src).open()).getMessage()
                .contains("destination"));
            assertThrows(NullPointerException.class, () -> dma.stream().reads((DmaBuffer) null));
            assertThrows(IllegalArgumentException.class, () -> dma.stream().depth(0));
            CompletionHandler never = (context, completion) -> {
                throw new AssertionError("a refused transfer completed: " + completion);
            };
            try (DmaStream stream = dma.stream().reads(src).writes(dst).open()) {
                String notOurs = assertThrows(IllegalArgumentException.class,
                    () -> stream.enqueueCopy(other, 0, dst, 0, 64, never, 0)).getMessage();
                assertTrue(notOurs.contains("not one of this stream's locations"), notOurs);
                String wrongWay = assertThrows(IllegalArgumentException.class,
                    () -> stream.enqueueCopy(dst, 0, src, 0, 64, never, 0)).getMessage();
                assertTrue(wrongWay.contains("only for the device to write"), wrongWay);
                String outOfBounds = assertThrows(IllegalArgumentException.class,
                    () -> stream.enqueueCopy(src, 8190, dst, 0, 64, never, 0)).getMessage();
                assertTrue(outOfBounds.contains("does not fit"), outOfBounds);
                assertThrows(IllegalArgumentException.class, () -> stream.enqueueCopy(src, -1, dst, 0, 64, never, 0));
                assertThrows(IllegalArgumentException.class, () -> stream.enqueueCopy(src, 0, dst, 0, 0, never, 0));
                assertThrows(IllegalArgumentException.class,
                    () -> stream.enqueueCopy(src, Long.MAX_VALUE, dst, 0, 64, never, 0));
                assertThrows(NullPointerException.class, () -> stream.enqueueCopy(null, 0, dst, 0, 64, never, 0));
                assertThrows(NullPointerException.class, () -> stream.enqueueCopy(src, 0, dst, 0, 64, null, 0));
                AtomicReference<Throwable> fromOtherThread = new AtomicReference<>();
                Thread t = new Thread(() -> {
                    try {
                        stream.enqueueCopy(src, 0, dst, 0, 64, never, 0);
                    } catch (Throwable e) {
                        fromOtherThread.set(e);
                    }
                });
                t.start();
                t.join();
                assertTrue(fromOtherThread.get() instanceof IllegalStateException, String.valueOf(fromOtherThread.get()));
                assertEquals(0, stream.staged());
                assertEquals(0, stream.pending(), "nothing of the refused transfers is held");
                assertEquals(0, control.doorbells());
            }
            try (DmaStream inPlace = dma.stream().reads(src).writes(src).open()) {
                String overlap = assertThrows(IllegalArgumentException.class,
                    () -> inPlace.enqueueCopy(src, 0, src, 32, 64, never, 0)).getMessage();
                assertTrue(overlap.contains("overlap"), overlap);
                assertTrue(inPlace.enqueueCopy(src, 0, src, 4096, 64).join().isSuccess(), "disjoint ranges of one buffer");
            }
            DmaStream closed = dma.stream().reads(src).writes(dst).open();
            closed.close();
            assertThrows(IllegalStateException.class, () -> closed.enqueueCopy(src, 0, dst, 0, 64, never, 0));
            assertThrows(IllegalStateException.class, closed::submit);
        }
    }

    @Test
    void aFullStreamFailsFastOrWaitsAndLosesNothing() {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, false)).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            CountingHandler handler = new CountingHandler(6, true);
            try (DmaStream stream = dma.stream().reads(src).writes(dst).depth(4).open()) {
                control.hold = true;
                for (int i = 0; i < 4; i++) {
                    stream.enqueueCopy(src, i * 64L, dst, i * 64L, 64, handler, i);
                }
                stream.submit();
                BackpressureException full = assertThrows(BackpressureException.class,
                    () -> stream.tryEnqueueCopy(src, 0, dst, 0, 64, handler, 4));
                assertTrue(full.getMessage().contains("in flight"), full.getMessage());
                assertEquals(4, stream.pending());
                Thread release = new Thread(() -> {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    control.hold = false;
                });
                release.start();
                stream.enqueueCopy(src, 0, dst, 0, 64, handler, 5); // waits: harvests until a record frees
                stream.submit();
            }
            assertEquals(5, handler.completed.get(), "close waited for every transfer: " + handler.problems);
            assertEquals(0, handler.calls.get(4), "the refused transfer never ran");
            assertTrue(handler.problems.isEmpty(), handler.problems.toString());
        }
    }

    @Test
    void workThatNobodyPollsIsFinishedByTheChannelWorkerExactlyOnce() throws Exception {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, false)).build();
             DmaBuffer src = dma.allocate((long) SLOTS * LENGTH);
             DmaBuffer dst = dma.allocate((long) SLOTS * LENGTH)) {
            byte[] data = randomBytes(SLOTS * LENGTH, 3);
            write(src, 0, data);
            CountingHandler handler = new CountingHandler(SLOTS, true);
            try (DmaStream stream = dma.stream().reads(src).writes(dst).open()) {
                for (int slot = 0; slot < SLOTS; slot++) {
                    stream.enqueueCopy(src, (long) slot * LENGTH, dst, (long) slot * LENGTH, LENGTH, handler, slot);
                }
                stream.submit(); // and never polls
                assertTrue(SimControl.await(() -> handler.completed.get() == SLOTS, WAIT_MILLIS),
                    handler.completed.get() + " of " + SLOTS);
                assertEquals(0, stream.pending());
            }
            assertTrue(handler.threads.stream().noneMatch(Thread.currentThread().getName()::equals), "the worker delivered them");
            assertTrue(handler.problems.isEmpty(), handler.problems.toString());
            assertArrayEquals(data, read(dst, 0, SLOTS * LENGTH));
        }
    }

    @Test
    void closingTheRuntimeAbortsStagedTransfersAndClosesTheStream() {
        SimControl control = new SimControl();
        CountingHandler handler = new CountingHandler(8, false);
        DmaStream stream;
        DmaBuffer src;
        DmaBuffer dst;
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, false)).build()) {
            src = dma.allocate(4096);
            dst = dma.allocate(4096);
            stream = dma.stream().reads(src).writes(dst).open();
            for (int i = 0; i < 4; i++) {
                stream.enqueueCopy(src, i * 64L, dst, i * 64L, 64, handler, i);
            }
            stream.submit();
            for (int i = 4; i < 8; i++) {
                stream.enqueueCopy(src, i * 64L, dst, i * 64L, 64, handler, i); // staged, never submitted
            }
        }
        assertTrue(SimControl.await(() -> handler.completed.get() >= 4, WAIT_MILLIS), "the submitted four ended");
        IllegalStateException closed = assertThrows(IllegalStateException.class, stream::submit);
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        assertEquals(8, handler.completed.get(), "the staged four were reported too: " + handler.statuses);
        for (int i = 0; i < 8; i++) {
            assertEquals(1, handler.calls.get(i), "context " + i);
        }
        long aborted = handler.statuses.stream().filter(s -> s == TransferStatus.ABORTED).count();
        assertTrue(aborted >= 4, "staged transfers end ABORTED: " + handler.statuses);
        stream.close(); // after the runtime's close: nothing left to do, no exception
        assertEquals(0, stream.staged());
    }

    @Test
    void theHandlerPathAllocatesNothingOnTheClientThread() {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim(control, false)).build();
             DmaBuffer src = dma.allocate((long) SLOTS * LENGTH);
             DmaBuffer dst = dma.allocate((long) SLOTS * LENGTH);
             DmaStream stream = dma.stream().reads(src).writes(dst).depth(SLOTS).open()) {
            long[] done = new long[1];
            CompletionHandler handler = (context, completion) -> {
                if (!completion.isSuccess()) {
                    throw new AssertionError(completion.toString());
                }
                done[0]++;
            };
            Runnable loop = () -> {
                long submitted = done[0];
                long target = submitted + 2_000;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
                while (done[0] < target && System.nanoTime() < deadline) {
                    while (submitted < target && submitted - done[0] < SLOTS) {
                        long offset = (submitted % SLOTS) * LENGTH;
                        stream.enqueueCopy(src, offset, dst, offset, LENGTH, handler, submitted++);
                    }
                    stream.poll();
                }
                if (done[0] < target) {
                    throw new AssertionError("only " + done[0] + " of " + target + " completed");
                }
            };
            loop.run(); // warm: first-use allocations (class loading, the JIT's own) are not per transfer
            long allocated = ThreadAllocation.bytesAllocatedBy(loop);
            assertEquals(0, allocated, allocated + " bytes over 2,000 stream copies");
        }
    }

    @Test
    void aStreamHoldsItsDepthOfTheChannelsBoundWhileOpen() {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"),
                new SimProvider(SimConfig.defaults().withChannels(1).withRingSize(64), control))
                .maxPendingPerChannel(8).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            String tooDeep = assertThrows(IllegalArgumentException.class,
                () -> dma.stream().reads(src).writes(dst).depth(16).open()).getMessage();
            assertTrue(tooDeep.contains("holds 8 pending transfers"), tooDeep);
            try (DmaStream first = dma.stream().reads(src).writes(dst).depth(4).open();
                 DmaStream second = dma.stream().reads(src).writes(dst).depth(4).open()) {
                long start = System.nanoTime();
                BackpressureException full = assertThrows(BackpressureException.class,
                    () -> dma.stream().reads(src).writes(dst).depth(2).open());
                assertTrue(full.getMessage().contains("8 of its 8 pending transfers are taken"), full.getMessage());
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "opening does not wait for room");
                assertEquals(0, first.pending() + second.pending());
            }
            control.hold = true; // nothing completes: the runtime's copies keep their permits
            List<CompletableFuture<TransferResult>> held = new ArrayList<>();
            try (DmaStream stream = dma.stream().reads(src).writes(dst).depth(4).open()) {
                assertEquals(4, stream.capacity());
                for (int i = 0; i < 4; i++) {
                    held.add(dma.tryCopy(src, i * 64L, dst, i * 64L, 64));
                }
                BackpressureException full = assertThrows(BackpressureException.class, () -> dma.tryCopy(src, 0, dst, 0, 64));
                assertTrue(full.getMessage().contains("bound 8"), full.getMessage());
                control.hold = false;
                for (CompletableFuture<TransferResult> f : held) {
                    assertTrue(f.join().isSuccess());
                }
            }
            control.hold = true;
            held.clear();
            for (int i = 0; i < 8; i++) {
                held.add(dma.tryCopy(src, i * 64L, dst, i * 64L, 64)); // the stream gave its four back
            }
            control.hold = false;
            for (CompletableFuture<TransferResult> f : held) {
                assertTrue(f.join().isSuccess());
            }
        }
    }
}
