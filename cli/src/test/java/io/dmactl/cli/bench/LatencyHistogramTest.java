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
    void percentilesOfAUniformSpreadAreWithinTheBucketWidth() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long value = 1_000; value <= 1_000_000; value++) {
            histogram.record(value);
        }
        assertClose(500_500, histogram.percentile(0.5));
        assertClose(990_010, histogram.percentile(0.99));
        assertClose(999_001, histogram.percentile(0.999));
    }

    @Test
    void everyValueLandsInABucketWhoseMiddleIsWithinThreePercent() {
        Random random = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            long value = random.nextLong(1L << 61);
            long middle = LatencyHistogram.middle(LatencyHistogram.index(value));
            assertTrue(Math.abs(middle - value) <= value * 0.032, () -> value + " -> " + middle);
        }
        assertEquals(LatencyHistogram.index(Long.MAX_VALUE), LatencyHistogram.index(Long.MAX_VALUE - 1));
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
        assertTrue(Math.abs(expected - actual) <= expected * 0.032, () -> "expected ~" + expected + ", got " + actual);
    }
}
