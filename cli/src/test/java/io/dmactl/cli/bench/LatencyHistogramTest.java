package io.dmactl.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyHistogramTest {

    @Test
    void smallValuesAreExact() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int value = 1; value <= 50; value++) {
            histogram.record(value);
        }
        assertEquals(50, histogram.count());
        assertEquals(25, histogram.percentile(0.5));
        assertEquals(50, histogram.percentile(0.99));
        assertEquals(1, histogram.percentile(0.01));
    }

    @Test
    void percentilesOfAUniformSpreadAreWithinATenthOfAPercent() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long value = 1_000; value <= 1_000_000; value++) {
            histogram.record(value);
        }
        assertClose(500_500, histogram.percentile(0.5));
        assertClose(990_010, histogram.percentile(0.99));
        assertClose(999_001, histogram.percentile(0.999));
    }

    @Test
    void aSingleValueIsReportedWithinATenthOfAPercent() {
        Random random = new Random(3);
        for (int i = 0; i < 2_000; i++) {
            long value = random.nextLong(LatencyHistogram.HIGHEST_NANOS);
            LatencyHistogram histogram = new LatencyHistogram();
            histogram.record(value);
            long reported = histogram.percentile(1);
            assertTrue(Math.abs(reported - value) <= value * 0.001, () -> value + " -> " + reported);
        }
    }

    @Test
    void longerThanTheRangeCountsAsItsTop() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(Long.MAX_VALUE);
        assertEquals(1, histogram.count());
        assertClose(LatencyHistogram.HIGHEST_NANOS, histogram.percentile(1));
    }

    @Test
    void recordsFromSeveralThreadsAreAllCounted() throws InterruptedException {
        LatencyHistogram histogram = new LatencyHistogram();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100_000; i++) {
                    histogram.record(1_000 + i % 1_000);
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(400_000, histogram.count());
    }

    @Test
    void emptyHasNoPercentileAndBadFractionsAreRefused() {
        LatencyHistogram histogram = new LatencyHistogram();
        assertEquals(-1, histogram.percentile(0.5));
        assertThrows(IllegalArgumentException.class, () -> histogram.percentile(0));
        assertThrows(IllegalArgumentException.class, () -> histogram.percentile(1.5));
        histogram.record(-5);
        assertEquals(0, histogram.percentile(1));
    }

    private static void assertClose(long expected, long actual) {
        assertTrue(Math.abs(expected - actual) <= expected * 0.001, () -> "expected ~" + expected + ", got " + actual);
    }
}
