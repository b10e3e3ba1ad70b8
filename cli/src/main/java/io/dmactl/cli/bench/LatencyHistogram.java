package io.dmactl.cli.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in nanoseconds, counted into buckets allocated once: exact below 64 ns, then 32
 * buckets per power of two (each at most ~3 % wide) up to 2^62 ns. Recording is one atomic
 * increment and allocates nothing, so completion callbacks on several channel threads can record
 * into one histogram while the benchmark runs.
 */
public final class LatencyHistogram {

    private static final int EXACT = 64;
    private static final int SUB_BITS = 5;
    private static final int SUB_BUCKETS = 1 << SUB_BITS;
    /** log2(EXACT): the first exponent that is bucketed. */
    private static final int FIRST_EXPONENT = 6;
    private static final int BUCKETS = EXACT + (63 - FIRST_EXPONENT) * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /** Counts one latency; a negative value (a clock that went backwards) counts as 0. */
    public void record(long nanos) {
        counts.getAndIncrement(index(Math.max(0, nanos)));
    }

    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /**
     * The latency below which {@code fraction} of the recorded ones lie (the bucket's middle).
     *
     * @param fraction in (0, 1], e.g. 0.5, 0.99, 0.999
     * @return -1 when nothing was recorded
     */
    public long percentile(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("percentile fraction " + fraction + " is not in (0, 1]");
        }
        long total = count();
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return middle(i);
            }
        }
        return middle(BUCKETS - 1);
    }

    static int index(long nanos) {
        if (nanos < EXACT) {
            return (int) nanos;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(nanos);
        int sub = (int) ((nanos >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1));
        return EXACT + (exponent - FIRST_EXPONENT) * SUB_BUCKETS + sub;
    }

    /** The middle of bucket {@code index}'s range. */
    static long middle(int index) {
        if (index < EXACT) {
            return index;
        }
        int exponent = (index - EXACT) / SUB_BUCKETS + FIRST_EXPONENT;
        int sub = (index - EXACT) % SUB_BUCKETS;
        long width = 1L << (exponent - SUB_BITS);
        long low = (long) (SUB_BUCKETS + sub) << (exponent - SUB_BITS);
        return low + width / 2;
    }
}
