package io.dmactl.core.memory;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IovaAllocatorTest {
    private static final long PAGE = 4096;
    private static final List<IovaRange> X86 = List.of(new IovaRange(0, 0xfedf_ffffL), new IovaRange(0xfef0_0000L, (1L << 39) - 1));

    @Test
    void firstFitFromTheLowestPageSkippingPageZero() {
        IovaAllocator a = new IovaAllocator(X86, PAGE);
        assertEquals(PAGE, a.allocate(1, 1, Long.MAX_VALUE), "page 0 is never handed out");
        assertEquals(2 * PAGE, a.allocate(PAGE, 1, Long.MAX_VALUE));
        assertEquals(3 * PAGE, a.allocate(PAGE + 1, 1, Long.MAX_VALUE), "rounded up to two pages");
        assertEquals(5 * PAGE, a.allocate(10, 1, Long.MAX_VALUE));
    }

    @Test
    void alignmentIsHonoured() {
        IovaAllocator a = new IovaAllocator(X86, PAGE);
        a.allocate(PAGE, PAGE, Long.MAX_VALUE);
        long aligned = a.allocate(PAGE, 2L << 20, Long.MAX_VALUE);
        assertEquals(2L << 20, aligned);
        assertEquals(2 * PAGE, a.allocate(PAGE, PAGE, Long.MAX_VALUE), "the gap below the aligned block is still used");
        assertThrows(IllegalArgumentException.class, () -> a.allocate(PAGE, 3000, Long.MAX_VALUE));
    }

    @Test
    void theMsiWindowIsNeverHandedOut() {
        IovaAllocator a = new IovaAllocator(X86, PAGE);
        long below = a.allocate(0xfedf_f000L, PAGE, Long.MAX_VALUE); // everything up to the hole but page 0
        assertEquals(PAGE, below);
        long next = a.allocate(PAGE, PAGE, Long.MAX_VALUE);
        assertEquals(0xfef0_0000L, next, "allocation continues above 0xfee00000..0xfeefffff");
        long big = a.allocate(1L << 30, PAGE, Long.MAX_VALUE);
        assertFalse(big < 0xfef0_0000L && big + (1L << 30) > 0xfee0_0000L, "a block crosses the MSI window");
    }

    @Test
    void aDmaMaskLimitsTheHighestIova() {
        IovaAllocator a = new IovaAllocator(X86, PAGE);
        long limit28 = (1L << 28) - 1;
        a.allocate((1L << 28) - 3 * PAGE, PAGE, limit28);
        long last = a.allocate(PAGE, PAGE, limit28);
        assertEquals((1L << 28) - 2 * PAGE, last);
        a.allocate(PAGE, PAGE, limit28);
        IovaExhaustedException e = assertThrows(IovaExhaustedException.class, () -> a.allocate(PAGE, PAGE, limit28));
        assertTrue(e.getMessage().contains("0xfffffff"), e.getMessage());
        assertEquals(1L << 28, a.allocate(PAGE, PAGE, Long.MAX_VALUE), "without the mask there is room");
    }

    @Test
    void freedRangesCoalesceAndAreReused() {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0, 16 * PAGE - 1)), PAGE);
        long x = a.allocate(4 * PAGE, PAGE, Long.MAX_VALUE);
        long y = a.allocate(4 * PAGE, PAGE, Long.MAX_VALUE);
        long z = a.allocate(7 * PAGE, PAGE, Long.MAX_VALUE);
        assertThrows(IovaExhaustedException.class, () -> a.allocate(PAGE, PAGE, Long.MAX_VALUE));
        a.free(x, 4 * PAGE);
        a.free(y, 4 * PAGE);
        assertEquals(x, a.allocate(8 * PAGE, PAGE, Long.MAX_VALUE), "two neighbours coalesced into one hole");
        a.free(z, 7 * PAGE);
        assertEquals(7 * PAGE, a.freeBytes());
    }

    @Test
    void freeingSomethingNotAllocatedIsRefused() {
        IovaAllocator a = new IovaAllocator(X86, PAGE);
        long x = a.allocate(2 * PAGE, PAGE, Long.MAX_VALUE);
        IllegalArgumentException wrongLength = assertThrows(IllegalArgumentException.class, () -> a.free(x, PAGE));
        assertTrue(wrongLength.getMessage().contains("8192"), wrongLength.getMessage());
        a.free(x, 2 * PAGE);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> a.free(x, 2 * PAGE));
        assertTrue(twice.getMessage().contains("0x1000"), twice.getMessage());
    }

    @Test
    void exhaustionNamesWhatIsFree() {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0, 4 * PAGE - 1)), PAGE);
        a.allocate(PAGE, PAGE, Long.MAX_VALUE);
        IovaExhaustedException e = assertThrows(IovaExhaustedException.class, () -> a.allocate(3 * PAGE, PAGE, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("12288 bytes") && e.getMessage().contains("0x2000..0x3fff"), e.getMessage());
    }

    @Test
    void rangesAreTrimmedToWholePagesAndBadInputRefused() {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(100, 3 * PAGE + 50)), PAGE);
        assertEquals(List.of(new IovaRange(PAGE, 3 * PAGE - 1)), a.usableRanges());
        assertThrows(IllegalArgumentException.class, () -> new IovaAllocator(List.of(new IovaRange(0, 100)), PAGE));
        assertThrows(IllegalArgumentException.class,
            () -> new IovaAllocator(List.of(new IovaRange(0, 2 * PAGE), new IovaRange(PAGE, 4 * PAGE)), PAGE));
        assertThrows(IllegalArgumentException.class, () -> a.allocate(0, PAGE, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> new IovaRange(10, 5));
        IovaAllocator top = new IovaAllocator(List.of(IovaRange.ofUnsigned(0, -1L)), PAGE);
        assertEquals(Long.MAX_VALUE, top.usableRanges().get(0).lastIova(), "an unsigned all-ones end is capped at 2^63-1");
    }

    @Test
    void randomAllocationsNeverOverlapAndAllComeBack() {
        IovaAllocator a = new IovaAllocator(X86, PAGE);
        long before = a.freeBytes();
        Random random = new Random(3);
        List<long[]> live = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            if (!live.isEmpty() && random.nextInt(3) == 0) {
                long[] victim = live.remove(random.nextInt(live.size()));
                a.free(victim[0], victim[1]);
            } else {
                long length = (1 + random.nextInt(64)) * PAGE;
                long limit = random.nextBoolean() ? (1L << 32) - 1 : Long.MAX_VALUE;
                long iova = a.allocate(length, PAGE, limit);
                assertTrue(iova + length - 1 <= limit);
                assertTrue(iova + length <= 0xfee0_0000L || iova >= 0xfef0_0000L, "inside the MSI window");
                for (long[] other : live) {
                    assertTrue(iova + length <= other[0] || other[0] + other[1] <= iova, "overlap");
                }
                live.add(new long[] {iova, length});
            }
        }
        for (long[] range : live) {
            a.free(range[0], range[1]);
        }
        assertEquals(before, a.freeBytes());
        assertEquals(0, a.allocationCount());
    }
}
