package io.dmactl.cli.bench;

import java.lang.foreign.MemorySegment;

/**
 * The yardstick every engine is compared with: {@code MemorySegment.copy} of the same size
 * between the same kind of buffers, on the benchmark thread, in the same run. The clock is read
 * once per block of copies (a block lasts at least ~10 us), so it does not weigh on small sizes.
 */
public final class CopyBaseline {

    private static final long BLOCK_BYTES = 256 * 1024;

    private CopyBaseline() {
    }

    /** Warms up for a tenth of the time, then copies {@code sizeBytes} over and over for {@code durationNanos}. */
    public static BaselinePoint measure(MemorySegment source, MemorySegment destination, long sizeBytes, long durationNanos) {
        if (sizeBytes <= 0 || sizeBytes > source.byteSize() || sizeBytes > destination.byteSize()) {
            throw new IllegalArgumentException("baseline size " + sizeBytes + " does not fit the buffers ("
                    + source.byteSize() + ", " + destination.byteSize() + " bytes)");
        }
        long perBlock = Math.max(1, BLOCK_BYTES / sizeBytes);
        run(source, destination, sizeBytes, perBlock, durationNanos / 10);
        long start = System.nanoTime();
        long ops = run(source, destination, sizeBytes, perBlock, durationNanos);
        long elapsed = System.nanoTime() - start;
        double seconds = elapsed / 1e9;
        return new BaselinePoint(sizeBytes, ops, seconds, (double) ops * sizeBytes / elapsed, ops / seconds);
    }

    private static long run(MemorySegment source, MemorySegment destination, long sizeBytes, long perBlock,
                            long durationNanos) {
        long deadline = System.nanoTime() + durationNanos;
        long ops = 0;
        do {
            for (long i = 0; i < perBlock; i++) {
                MemorySegment.copy(source, 0, destination, 0, sizeBytes);
            }
            ops += perBlock;
        } while (System.nanoTime() < deadline);
        return ops;
    }
}
