package io.dmactl.examples;

import io.dmactl.core.Completion;
import io.dmactl.core.CompletionHandler;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.DmaStream;
import io.dmactl.core.location.DmaBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Many small copies between the same two buffers through a {@link DmaStream}: the buffers are
 * pinned and mapped once when the stream opens, each refill is staged and handed to the engine
 * with one doorbell, and this thread harvests with {@link DmaStream#poll()}. Compare with
 * {@link CopyWithHandler}, which does the same through {@code DmaRuntime.copy} (dispatch, pinning
 * and mapping per copy). Then the bytes are checked.
 */
public final class CopyWithStream {
    static final int SLOTS = 32;
    static final int SLOT_BYTES = 256;
    static final int COPIES = 100_000;

    private CopyWithStream() {
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

    public static void main(String[] args) {
        try (DmaRuntime dma = DmaRuntime.builder().build();
             DmaBuffer source = dma.allocate((long) SLOTS * SLOT_BYTES);
             DmaBuffer destination = dma.allocate((long) SLOTS * SLOT_BYTES)) {
            MemorySegment bytes = source.segment();
            for (long i = 0; i < bytes.byteSize(); i++) {
                bytes.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + 1));
            }
            Counter counter = new Counter();
            long submitted = 0;
            long start = System.nanoTime();
            try (DmaStream stream = dma.stream().reads(source).writes(destination).depth(SLOTS).open()) {
                while (counter.completed < COPIES) {
                    while (submitted < COPIES && submitted - counter.completed < SLOTS) {
                        long offset = (submitted % SLOTS) * SLOT_BYTES;
                        stream.enqueueCopy(source, offset, destination, offset, SLOT_BYTES, counter, submitted % SLOTS);
                        submitted++;
                    }
                    stream.poll(); // submits what was staged (one doorbell), then harvests here
                }
                System.out.println("engine " + stream.engineName() + ", channel " + stream.channelName());
            }
            if (counter.firstFailure != null) {
                throw new IllegalStateException("a copy failed: " + counter.firstFailure);
            }
            long mismatch = source.segment().mismatch(destination.segment());
            if (mismatch != -1) {
                throw new IllegalStateException("destination differs from the source at byte " + mismatch);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d copies of %d bytes, %d in flight: %.0f copies/s; destination checked%n", COPIES, SLOT_BYTES,
                SLOTS, COPIES / seconds);
        }
    }
}
