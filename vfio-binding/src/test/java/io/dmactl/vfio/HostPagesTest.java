package io.dmactl.vfio;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostPagesTest {

    @Test
    void pageSizeIsAPowerOfTwoOfAtLeast4KiB() {
        long page = HostPages.pageSizeBytes();
        assertTrue(page >= 4096, "page size " + page);
        assertEquals(1, Long.bitCount(page), "page size " + page + " is not a power of two");
        assertEquals(page, PageKind.NORMAL.pageSizeBytes());
        assertEquals(2L << 20, PageKind.HUGE_2M.pageSizeBytes());
    }

    @Test
    void normalPagesArePageAlignedZeroedWritableAndLocked() throws Exception {
        long page = HostPages.pageSizeBytes();
        try (HostPages pages = HostPages.allocate(4 * page, PageKind.NORMAL)) {
            MemorySegment segment = pages.segment();
            assertEquals(4 * page, segment.byteSize());
            assertEquals(4 * page, pages.lengthBytes());
            assertEquals(PageKind.NORMAL, pages.kind());
            assertEquals(0, segment.address() % page, "address 0x" + Long.toHexString(segment.address()));
            for (long offset = 0; offset < segment.byteSize(); offset += Long.BYTES) {
                assertEquals(0L, segment.get(ValueLayout.JAVA_LONG, offset), "fresh memory at " + offset);
            }
            segment.set(ValueLayout.JAVA_LONG, 4 * page - Long.BYTES, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, segment.get(ValueLayout.JAVA_LONG, 4 * page - Long.BYTES));
            // The kernel's own view: the mapping is locked (VmLck counts it).
            assertTrue(lockedKiB() >= 4 * page / 1024, "VmLck " + lockedKiB() + " kB");
        }
    }

    @Test
    void closeInvalidatesTheSegmentAndIsIdempotent() {
        HostPages pages = HostPages.allocate(HostPages.pageSizeBytes(), PageKind.NORMAL);
        MemorySegment segment = pages.segment();
        pages.close();
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0));
        pages.close();
        assertTrue(pages.toString().contains("closed"), pages.toString());
    }

    @Test
    void closeUnmaps() throws Exception {
        HostPages pages = HostPages.allocate(8 * HostPages.pageSizeBytes(), PageKind.NORMAL);
        String start = Long.toHexString(pages.segment().address());
        assertTrue(mapsContain(start), "mapping at " + start + " missing from /proc/self/maps");
        pages.close();
        assertTrue(!mapsContain(start), "mapping at " + start + " still in /proc/self/maps after close");
    }

    @Test
    void lengthsThatAreNotWholePagesAreRejectedWithTheValue() {
        long page = HostPages.pageSizeBytes();
        for (long bad : new long[] {0, -page, page + 1, page / 2}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HostPages.allocate(bad, PageKind.NORMAL));
            assertTrue(e.getMessage().contains("lengthBytes " + bad), e.getMessage());
        }
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> HostPages.allocate(page, PageKind.HUGE_2M));
        assertTrue(huge.getMessage().contains("lengthBytes " + page) && huge.getMessage().contains("2097152"),
                huge.getMessage());
    }

    @Test
    void hugePagesEitherWorkOrFailSayingWhy() {
        if (HostPages.hugePagesAvailable()) {
            try (HostPages pages = HostPages.allocate(2L << 20, PageKind.HUGE_2M)) {
                assertEquals(0, pages.segment().address() % (2L << 20), "2 MiB page not 2 MiB aligned");
                pages.segment().set(ValueLayout.JAVA_INT, (2L << 20) - 4, 42);
                assertEquals(42, pages.segment().get(ValueLayout.JAVA_INT, (2L << 20) - 4));
            }
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> HostPages.allocate(2L << 20, PageKind.HUGE_2M));
            assertTrue(e.getMessage().contains("hugepages") && e.getMessage().contains("nr_hugepages"), e.getMessage());
        }
    }

    @Test
    void meminfoCountsOnlyWhenTheDefaultHugepageSizeIs2MiB() {
        List<String> twoMeg = List.of("MemTotal:       16315428 kB", "HugePages_Total:      64",
                "HugePages_Free:       17", "Hugepagesize:       2048 kB");
        List<String> oneGig = List.of("HugePages_Free:       17", "Hugepagesize:    1048576 kB");
        assertEquals(17, MeminfoHugePages.free2M(twoMeg));
        assertEquals(0, MeminfoHugePages.free2M(oneGig));
        assertEquals(0, MeminfoHugePages.free2M(List.of("MemTotal: 1 kB")));
    }

    private static long lockedKiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmLck:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmLck in /proc/self/status");
    }

    private static boolean mapsContain(String startHex) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.startsWith(startHex + "-"));
    }
}
