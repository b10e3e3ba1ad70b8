package io.dmactl.cli.output;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue #15: times and rates in human units. */
class HumanUnitsTest {
    @Test
    void durationsTakeTheUnitThatShowsThemBest() {
        assertEquals("0 ns", HumanUnits.duration(0));
        assertEquals("999 ns", HumanUnits.duration(999));
        assertEquals("1.00 us", HumanUnits.duration(1_000));
        assertEquals("12.4 us", HumanUnits.duration(12_400));
        assertEquals("457 us", HumanUnits.duration(456_588));
        assertEquals("11.6 ms", HumanUnits.duration(11_631_700));
        assertEquals("457 ms", HumanUnits.duration(456_588_400));
        assertEquals("2.35 s", HumanUnits.duration(2_350_000_000L));
        assertEquals("9223372037 s", HumanUnits.duration(Long.MAX_VALUE));
    }

    @Test
    void ratesTakeTheUnitThatShowsThemBest() {
        assertEquals("12.3 GB/s", HumanUnits.rate(12.3));
        assertEquals("97.2 MB/s", HumanUnits.rate(0.0972));
        assertEquals("0.34 kB/s", HumanUnits.rate(0.00000034));
    }
}
