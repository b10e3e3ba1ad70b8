package io.dmactl.examples;

import io.dmactl.core.Completion;
import io.dmactl.core.CompletionHandler;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.location.DmaBuffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Run to completion, allocation-free: many small copies in flight, one handler for all of them
 * (the context says which copy ended), and this thread harvesting with {@link DmaRuntime#poll()}.
 * The handler runs on the thread that harvests: here, this one.
 */
public final class CopyWithHandler {
    static final int SLOTS = 32;
    static final int SLOT_BYTES = 4096;
    static final int COPIES = 10_000;

    private CopyWithHandler() {
    }

    /**
     * Counts completions; remembers the first failure. One instance serves every copy, and the
     * runtime spreads the copies over the engine's channels, whose completions may be delivered
     * at the same time from different threads (this one polling one channel, another channel's
     * worker): so the count is atomic. (A plain {@code long} here lost increments under load and
     * the loop below waited for ever.)
     */
    static final class Counter implements CompletionHandler {
        final AtomicLong completed = new AtomicLong();
        final AtomicReference<String> firstFailure = new AtomicReference<>();

        @Override
        public void onComplete(long slot, Completion completion) {
            if (!completion.isSuccess()) {
                firstFailure.compareAndSet(null, "slot " + slot + ": " + completion); // the view is valid only during this call
            }
            completed.incrementAndGet();
        }
    }

    /**
     * Runs the example and prints what happened; a failed transfer or wrong data throws.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        try (DmaRuntime dma = DmaRuntime.builder().build();
             DmaBuffer source = dma.allocate((long) SLOTS * SLOT_BYTES);
             DmaBuffer destination = dma.allocate((long) SLOTS * SLOT_BYTES)) {
            Counter counter = new Counter();
            long submitted = 0;
            long start = System.nanoTime();
            while (counter.completed.get() < COPIES) {
                while (submitted < COPIES && submitted - counter.completed.get() < SLOTS) {
                    long offset = (submitted % SLOTS) * SLOT_BYTES;
                    dma.copy(source, offset, destination, offset, SLOT_BYTES, counter, submitted % SLOTS);
                    submitted++;
                }
                dma.poll();
            }
            if (counter.firstFailure.get() != null) {
                throw new IllegalStateException("a copy failed: " + counter.firstFailure.get());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d copies of %d bytes, %d in flight: %.0f copies/s%n", COPIES, SLOT_BYTES, SLOTS,
                COPIES / seconds);
        }
    }
}
