package io.dmactl.examples;

import io.dmactl.core.Completion;
import io.dmactl.core.CompletionHandler;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.location.DmaBuffer;

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

    /** Counts completions; remembers the first failure. One instance serves every copy. */
    static final class Counter implements CompletionHandler {
        long completed;
        String firstFailure;

        @Override
        public void onComplete(long slot, Completion completion) {
            completed++;
            if (!completion.isSuccess() && firstFailure == null) {
                firstFailure = "slot " + slot + ": " + completion; // the view is valid only during this call
            }
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
            while (counter.completed < COPIES) {
                while (submitted < COPIES && submitted - counter.completed < SLOTS) {
                    long offset = (submitted % SLOTS) * SLOT_BYTES;
                    dma.copy(source, offset, destination, offset, SLOT_BYTES, counter, submitted % SLOTS);
                    submitted++;
                }
                dma.poll();
            }
            if (counter.firstFailure != null) {
                throw new IllegalStateException("a copy failed: " + counter.firstFailure);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d copies of %d bytes, %d in flight: %.0f copies/s%n", COPIES, SLOT_BYTES, SLOTS,
                COPIES / seconds);
        }
    }
}
