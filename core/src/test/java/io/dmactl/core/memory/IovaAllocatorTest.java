package io.dmactl.core.memory;

import io.dmactl.core.IovaExhaustedException;
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
    void highestFitFromTheTopPageAndPageZeroIsNeverHandedOut() {
        IovaAllocator a = new IovaAllocator(X86, PAGE);
        long top = 1L << 39;
        assertEquals(top - PAGE, a.allocate(1, 1, Long.MAX_VALUE), "the top page of the valid ranges");
        assertEquals(top - 2 * PAGE, a.allocate(PAGE, 1, Long.MAX_VALUE));
        assertEquals(top - 4 * PAGE, a.allocate(PAGE + 1, 1, Long.MAX_VALUE), "rounded up to two pages");
        assertEquals(top - 5 * PAGE, a.allocate(10, 1, Long.MAX_VALUE));
        IovaAllocator small = new IovaAllocator(List.of(new IovaRange(0, 4 * PAGE - 1)), PAGE);
        assertEquals(3 * PAGE, small.allocate(1, 1, Long.MAX_VALUE));
        assertEquals(2 * PAGE, small.allocate(1, 1, Long.MAX_VALUE));
        assertEquals(PAGE, small.allocate(1, 1, Long.MAX_VALUE));
        assertThrows(IovaExhaustedException.class, () -> small.allocate(1, 1, Long.MAX_VALUE), "page 0 is never handed out");
    }

    @Test
    void alignmentIsHonoured() {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0, (8L << 20) - 1)), PAGE);
        assertEquals((8L << 20) - PAGE, a.allocate(PAGE, PAGE, Long.MAX_VALUE));
        long aligned = a.allocate(PAGE, 2L << 20, Long.MAX_VALUE);
        assertEquals(6L << 20, aligned, "the highest 2 MiB boundary with a free page above it");
        assertEquals((8L << 20) - 2 * PAGE, a.allocate(PAGE, PAGE, Long.MAX_VALUE), "the gap above the aligned block is still used");
        assertThrows(IllegalArgumentException.class, () -> a.allocate(PAGE, 3000, Long.MAX_VALUE));
    }

    @Test
    void theMsiWindowIsNeverHandedOut() {
        IovaAllocator a = new IovaAllocator(X86, PAGE);
        long limit32 = 0xffff_ffffL;
        long above = a.allocate(0x0110_0000L, PAGE, limit32); // everything from the hole to 4 GiB
        assertEquals(0xfef0_0000L, above);
        long next = a.allocate(PAGE, PAGE, limit32);
        assertEquals(0xfedf_f000L, next, "allocation continues below 0xfee00000..0xfeefffff");
        long big = a.allocate(1L << 30, PAGE, limit32);
        assertFalse(big < 0xfef0_0000L && big + (1L << 30) > 0xfee0_0000L, "a block crosses the MSI window");
    }

    @Test
    void aDmaMaskLimitsTheHighestIova() {
        IovaAllocator a = new IovaAllocator(X86, PAGE);
        long limit28 = (1L << 28) - 1;
        assertEquals(3 * PAGE, a.allocate((1L << 28) - 3 * PAGE, PAGE, limit28), "ends at the mask's last byte");
        long last = a.allocate(PAGE, PAGE, limit28);
        assertEquals(2 * PAGE, last);
        a.allocate(PAGE, PAGE, limit28);
        IovaExhaustedException e = assertThrows(IovaExhaustedException.class, () -> a.allocate(PAGE, PAGE, limit28));
        assertTrue(e.getMessage().contains("0xfffffff"), e.getMessage());
        assertEquals(0xffff_f000L, a.allocate(PAGE, PAGE, 0xffff_ffffL), "with a wider mask there is room");
    }

    @Test
    void freedRangesCoalesceAndAreReused() {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0, 16 * PAGE - 1)), PAGE);
        long x = a.allocate(4 * PAGE, PAGE, Long.MAX_VALUE);
        long y = a.allocate(4 * PAGE, PAGE, Long.MAX_VALUE);
        long z = a.allocate(7 * PAGE, PAGE, Long.MAX_VALUE);
        assertEquals(List.of(12 * PAGE, 8 * PAGE, PAGE), List.of(x, y, z));
        assertThrows(IovaExhaustedException.class, () -> a.allocate(PAGE, PAGE, Long.MAX_VALUE));
        a.free(x, 4 * PAGE);
        a.free(y, 4 * PAGE);
        assertEquals(y, a.allocate(8 * PAGE, PAGE, Long.MAX_VALUE), "two neighbours coalesced into one hole");
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
        assertTrue(twice.getMessage().contains("0x" + Long.toHexString(x)), twice.getMessage());
    }

    @Test
    void exhaustionNamesWhatIsFree() {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0, 4 * PAGE - 1)), PAGE);
        assertEquals(3 * PAGE, a.allocate(PAGE, PAGE, Long.MAX_VALUE));
        IovaExhaustedException e = assertThrows(IovaExhaustedException.class, () -> a.allocate(3 * PAGE, PAGE, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("12288 bytes") && e.getMessage().contains("0x1000..0x2fff"), e.getMessage());
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
        assertEquals(List.of(new IovaRange(PAGE, -1L)), top.usableRanges(), "an unsigned all-ones end is kept: 2^64-1");
        IovaAllocator inTopPage = new IovaAllocator(List.of(new IovaRange(PAGE, 2 * PAGE - 1),
            new IovaRange(-PAGE + 1, -1L)), PAGE);
        assertEquals(List.of(new IovaRange(PAGE, 2 * PAGE - 1)), inTopPage.usableRanges(),
            "a range starting inside the top page holds no whole page (aligning it up wraps past 2^64)");
    }

    private static final long TOP_PAGE = -PAGE; // 2^64 - 4096 as an unsigned IOVA

    @Test
    void aRangeEndingAt2To64Minus1IsUsedToItsLastPage() {
        // An IOMMU reporting no limit: the last valid IOVA is 0xffffffffffffffff (-1 as a long).
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(TOP_PAGE - 15 * PAGE, -1L)), PAGE);
        assertEquals(List.of(new IovaRange(TOP_PAGE - 15 * PAGE, -1L)), a.usableRanges());
        assertEquals(16 * PAGE, a.freeBytes());
        long high = a.allocate(4 * PAGE, PAGE, -1L);
        assertEquals(TOP_PAGE - 3 * PAGE, high, "highest fit: the top four pages");
        assertEquals(-1L, high + 4 * PAGE - 1, "the allocation ends at 2^64-1");
        long rest = a.allocate(12 * PAGE, PAGE, -1L);
        assertEquals(TOP_PAGE - 15 * PAGE, rest);
        IovaExhaustedException e = assertThrows(IovaExhaustedException.class, () -> a.allocate(1, PAGE, -1L));
        assertTrue(e.getMessage().contains("free ranges: none"), e.getMessage());
        a.free(rest, 12 * PAGE);
        a.free(high, 4 * PAGE);
        assertEquals(16 * PAGE, a.freeBytes(), "the top extents coalesce again");
        assertEquals(rest, a.allocate(16 * PAGE, PAGE, -1L), "into one extent of the whole range");
    }

    @Test
    void rangesAreOrderedAndCheckedForOverlapAsUnsignedAddresses() {
        IovaRange high = new IovaRange(0x8000_0000_0000_0000L, -1L);
        IovaRange low = new IovaRange(0, 0xfedf_ffffL);
        IovaAllocator a = new IovaAllocator(List.of(high, low), PAGE);
        assertEquals(List.of(new IovaRange(PAGE, 0xfedf_ffffL), high), a.usableRanges(), "low range first");
        assertEquals(0xfedf_f000L, a.allocate(PAGE, PAGE, 0xffff_ffffL), "a 32-bit limit skips the range at 2^63");
        assertEquals(TOP_PAGE, a.allocate(PAGE, PAGE, -1L), "without a limit: the top page of the high range");
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class, () -> new IovaAllocator(
            List.of(new IovaRange(0x7fff_ffff_ffff_0000L, 0x8000_0000_0000_ffffL), new IovaRange(0x8000_0000_0000_1000L, -1L)),
            PAGE));
        assertTrue(overlap.getMessage().contains("overlap"), overlap.getMessage());
    }

    @Test
    void anAllocationMayCrossTwoToThe63rdAndTheDmaMaskStillHolds() {
        long signBoundary = 0x8000_0000_0000_0000L;
        IovaRange across = new IovaRange(signBoundary - 16 * PAGE, signBoundary + 16 * PAGE - 1);
        IovaAllocator masked = new IovaAllocator(List.of(across), PAGE);
        // A 63-bit mask (limit 2^63-1) leaves only the 16 pages below the boundary.
        assertThrows(IovaExhaustedException.class, () -> masked.allocate(17 * PAGE, PAGE, Long.MAX_VALUE));
        assertEquals(signBoundary - 16 * PAGE, masked.allocate(16 * PAGE, PAGE, Long.MAX_VALUE));
        assertThrows(IovaExhaustedException.class, () -> masked.allocate(PAGE, PAGE, Long.MAX_VALUE),
            "everything left lies above the mask");
        assertEquals(signBoundary + 15 * PAGE, masked.allocate(PAGE, PAGE, -1L), "without a mask the pages above 2^63 are used");

        IovaAllocator unmasked = new IovaAllocator(List.of(across), PAGE);
        long big = unmasked.allocate(32 * PAGE, PAGE, -1L);
        assertEquals(signBoundary - 16 * PAGE, big, "one block across 2^63");

        // A 48-bit mask over a range that lies wholly above it: nothing may be handed out.
        IovaAllocator top = new IovaAllocator(List.of(new IovaRange(0xffff_0000_0000_0000L, -1L)), PAGE);
        IovaExhaustedException e = assertThrows(IovaExhaustedException.class, () -> top.allocate(PAGE, PAGE, (1L << 48) - 1));
        assertTrue(e.getMessage().contains("0xffffffffffff"), e.getMessage());
        long aligned = top.allocate(PAGE, 1L << 40, -1L);
        assertEquals(0xffff_ff00_0000_0000L, aligned);
        assertEquals(0xffff_fe00_0000_0000L, top.allocate(PAGE, 1L << 40, -1L), "alignment counted in unsigned space");
    }

    @Test
    void randomAllocationsAtTheTopOfTheSpaceNeverOverlapAndAllComeBack() {
        long first = -(1L << 30); // the top GiB: 0xffffffffc0000000..0xffffffffffffffff
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(first, -1L)), PAGE);
        long limit = -(1L << 29) - 1; // a mask that leaves out the top half of that GiB
        Random random = new Random(5);
        List<long[]> live = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            if (!live.isEmpty() && random.nextInt(3) == 0) {
                long[] victim = live.remove(random.nextInt(live.size()));
                a.free(victim[0], victim[1]);
                continue;
            }
            long length = (1 + random.nextInt(64)) * PAGE;
            boolean masked = random.nextBoolean();
            long iova = a.allocate(length, PAGE, masked ? limit : -1L);
            long last = iova + length - 1;
            assertTrue(Long.compareUnsigned(iova, first) >= 0 && Long.compareUnsigned(last, iova) > 0, "outside the range");
            assertTrue(!masked || Long.compareUnsigned(last, limit) <= 0, "above the mask");
            for (long[] other : live) {
                assertTrue(Long.compareUnsigned(last, other[0]) < 0
                    || Long.compareUnsigned(other[0] + other[1] - 1, iova) < 0, "overlap");
            }
            live.add(new long[] {iova, length});
        }
        for (long[] range : live) {
            a.free(range[0], range[1]);
        }
        assertEquals(1L << 30, a.freeBytes());
        assertEquals(0, a.allocationCount());
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

    private static final long LIMIT_28 = (1L << 28) - 1;
    private static final long LIMIT_32 = (1L << 32) - 1;
    private static final long MIB = 1L << 20;

    @Test
    void eachMaskClassFillsTheTopOfItsOwnReach() {
        IovaAllocator a = new IovaAllocator(X86, PAGE);
        assertEquals((1L << 39) - 2 * PAGE, a.allocate(2 * PAGE, PAGE, Long.MAX_VALUE), "64-bit: the top of the 39-bit domain");
        assertEquals((1L << 39) - 3 * PAGE, a.allocate(PAGE, PAGE, -1L), "no mask at all: the same place");
        assertEquals((1L << 32) - PAGE, a.allocate(PAGE, PAGE, LIMIT_32), "32-bit: just below 4 GiB");
        assertEquals((1L << 28) - PAGE, a.allocate(PAGE, PAGE, LIMIT_28), "28-bit: just below 256 MiB");
        assertEquals((1L << 28) - 2 * PAGE, a.allocate(PAGE, PAGE, LIMIT_28), "then downwards");
        assertEquals(0xfee0_0000L - 17 * MIB, a.allocate(17 * MIB, PAGE, LIMIT_32),
            "17 MiB no longer fit between the MSI window and 4 GiB: the highest fit below the window");
        assertEquals((1L << 39) - 2 * MIB, a.allocate(MIB, 2 * MIB, Long.MAX_VALUE), "aligned down, below what is taken");
    }

    /** The reported case at the allocator: six 48 MiB buffers for a 64-bit engine leave 28-bit space. */
    @Test
    void wideRequestsLeaveTheLowSpaceToNarrowOnes() {
        IovaAllocator a = new IovaAllocator(X86, PAGE);
        for (int i = 0; i < 6; i++) {
            long iova = a.allocate(48 * MIB, PAGE, Long.MAX_VALUE);
            assertTrue(iova > LIMIT_28, "48 MiB for a 64-bit engine at 0x" + Long.toHexString(iova));
        }
        long narrow = a.allocate(48 * MIB, PAGE, LIMIT_28);
        assertEquals((1L << 28) - 48 * MIB, narrow);
        // Only when everything above is taken does a wide request use low space.
        IovaAllocator small = new IovaAllocator(List.of(new IovaRange(0, (1L << 29) - 1)), PAGE);
        assertEquals(1L << 28, small.allocate(1L << 28, PAGE, Long.MAX_VALUE));
        assertEquals((1L << 28) - MIB, small.allocate(MIB, PAGE, Long.MAX_VALUE), "spills below 2^28 once the top is full");
    }

    /**
     * A 28-bit and a 64-bit engine sharing one allocator, thousands of random allocations and
     * frees: the wide one never takes space below 2^28, so every narrow request gets exactly what an
     * allocator serving the narrow engine alone would give it (the same IOVA, or the same refusal).
     */
    @Test
    void randomNarrowAndWideRequestsNeverCompeteForTheLowSpace() {
        IovaAllocator shared = new IovaAllocator(X86, PAGE);
        IovaAllocator narrowAlone = new IovaAllocator(X86, PAGE);
        Random random = new Random(28);
        List<long[]> narrowLive = new ArrayList<>();
        List<long[]> wideLive = new ArrayList<>();
        int refusals = 0;
        int narrowAllocations = 0;
        for (int i = 0; i < 20_000; i++) {
            boolean narrow = random.nextBoolean();
            List<long[]> live = narrow ? narrowLive : wideLive;
            if (!live.isEmpty() && random.nextInt(5) < 2) {
                long[] victim = live.remove(random.nextInt(live.size()));
                shared.free(victim[0], victim[1]);
                if (narrow) {
                    narrowAlone.free(victim[0], victim[1]);
                }
                continue;
            }
            long length = (1 + random.nextInt(12 * 256)) * PAGE; // up to 12 MiB
            if (!narrow) {
                long iova = shared.allocate(length, PAGE, Long.MAX_VALUE);
                assertTrue(iova > LIMIT_28, "op " + i + ": a 64-bit request took 0x" + Long.toHexString(iova));
                wideLive.add(new long[] {iova, length});
                continue;
            }
            long expected;
            try {
                expected = narrowAlone.allocate(length, PAGE, LIMIT_28);
            } catch (IovaExhaustedException alone) {
                refusals++;
                assertThrows(IovaExhaustedException.class, () -> shared.allocate(length, PAGE, LIMIT_28),
                    "op " + i + ": refused alone, so refused shared");
                continue;
            }
            long iova = shared.allocate(length, PAGE, LIMIT_28);
            assertEquals(expected, iova, "op " + i + ": the narrow engine's IOVA depends on the wide engine's requests");
            assertTrue(iova + length - 1 <= LIMIT_28);
            narrowLive.add(new long[] {iova, length});
            narrowAllocations++;
        }
        assertTrue(refusals > 0 && narrowAllocations > 1000, "the 28-bit space was full at times (" + refusals
            + " refusals), and " + narrowAllocations + " narrow allocations compared");
        assertTrue(wideLive.size() > 1000, "the wide engine held " + wideLive.size() + " ranges (many GiB) at the end");
    }
}
