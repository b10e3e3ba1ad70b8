package io.dmactl.cli.bench;

import org.HdrHistogram.AtomicHistogram;

/**
 * Latencies in nanoseconds, in an HdrHistogram ({@link AtomicHistogram}, 3 significant digits:
 * exact below 2048 ns, then each value within 0.1 % of the one it is reported as) from 1 ns to an
 * hour, allocated once. Recording is a few atomic increments and allocates nothing, so completion
 * callbacks on several channel threads can record into one histogram while the benchmark runs.
 */
public final class LatencyHistogram {

    /** The longest latency told apart: an hour; a longer one counts as an hour. */
    static final long HIGHEST_NANOS = 3_600_000_000_000L;
    static final int SIGNIFICANT_DIGITS = 3;

    private final AtomicHistogram histogram = new AtomicHistogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);

    /** Counts one latency; a negative value (a clock that went backwards) counts as 0. */
    public void record(long nanos) {
        histogram.recordValue(Math.min(Math.max(0, nanos), HIGHEST_NANOS));
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /**
     * The latency below which {@code fraction} of the recorded ones lie: the middle of the
     * histogram's range of values equivalent to it (within 0.1 %).
     *
     * @param fraction in (0, 1], e.g. 0.5, 0.99, 0.999
     * @return -1 when nothing was recorded
     */
    public long percentile(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("percentile fraction " + fraction + " is not in (0, 1]");
        }
        if (histogram.getTotalCount() == 0) {
            return -1;
        }
        return histogram.medianEquivalentValue(histogram.getValueAtPercentile(fraction * 100));
    }
}
