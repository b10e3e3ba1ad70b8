package io.dmactl.cli.output;

import java.util.Locale;

/**
 * Durations and rates for people: each in the unit that shows it best, at most four significant
 * figures ({@code 850 ns}, {@code 12.4 us}, {@code 11.6 ms}, {@code 2.35 s}; {@code 97.2 MB/s}).
 * JSON output keeps the raw nanoseconds and bytes; tables keep one unit per column.
 */
public final class HumanUnits {
    /** Below this a transfer's rate says more about its latency than about bandwidth: none is shown. */
    public static final long MIN_BYTES_FOR_A_RATE = 64 * 1024;

    private HumanUnits() {
    }

    /** {@code nanos} (not negative) in ns, us, ms or s. */
    public static String duration(long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return figure(nanos / 1e3) + " us";
        }
        if (nanos < 1_000_000_000) {
            return figure(nanos / 1e6) + " ms";
        }
        return figure(nanos / 1e9) + " s";
    }

    /** Bytes per nanosecond (= GB/s) in GB/s, MB/s or kB/s. */
    public static String rate(double gigabytesPerSecond) {
        if (gigabytesPerSecond >= 1) {
            return figure(gigabytesPerSecond) + " GB/s";
        }
        if (gigabytesPerSecond >= 1e-3) {
            return figure(gigabytesPerSecond * 1e3) + " MB/s";
        }
        return figure(gigabytesPerSecond * 1e6) + " kB/s";
    }

    /** 3 significant figures (1.23, 12.3, 123); whole numbers from 100 on. */
    private static String figure(double value) {
        if (value >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (value >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
