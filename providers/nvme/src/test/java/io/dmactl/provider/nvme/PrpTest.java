package io.dmactl.provider.nvme;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** PRP entries per NVMe 1.4, 4.3: one page, two pages, a list. */
class PrpTest {
    private static final long LIST_IOVA = 0x9000_0000L;

    @Test
    void prp2DependsOnHowManyPagesTheBufferTouches() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pages = arena.allocate(2 * 4096, 4096);
            pages.fill((byte) 0x5a);
            assertEquals(0, Prp.prp2(0x1000, 4096, pages, 4096, LIST_IOVA), "exactly one page");
            assertEquals(0, Prp.prp2(0x1ffc, 4, pages, 4096, LIST_IOVA), "the last dword of a page");
            assertEquals(0x2000, Prp.prp2(0x1ffc, 8, pages, 4096, LIST_IOVA), "one dword into the next page");
            assertEquals(0x3000, Prp.prp2(0x2000, 8192, pages, 4096, LIST_IOVA), "two whole pages");
            assertEquals(0x5a5a5a5a5a5a5a5aL, pages.get(ValueLayout.JAVA_LONG, 4096), "no list written for two pages");

            assertEquals(LIST_IOVA, Prp.prp2(0x2010, 2 * 4096, pages, 4096, LIST_IOVA), "three pages: a list");
            assertEquals(0x3000, pages.get(ValueLayout.JAVA_LONG, 4096));
            assertEquals(0x4000, pages.get(ValueLayout.JAVA_LONG, 4096 + 8));
            assertEquals(0x5a5a5a5a5a5a5a5aL, pages.get(ValueLayout.JAVA_LONG, 4096 + 16), "only the pages after the first");
            assertEquals(0x5a5a5a5a5a5a5a5aL, pages.get(ValueLayout.JAVA_LONG, 0), "another slot's page is untouched");
        }
    }

    @Test
    void theLongestTransferFitsOneListPage() {
        assertEquals(3, Prp.pages(0x2010, 2 * 4096));
        assertEquals(Prp.LIST_ENTRIES, Prp.pages(4, Prp.MAX_TRANSFER_BYTES), "first page partial: 511 list entries + PRP1");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pages = arena.allocate(4096, 4096);
            Prp.prp2(4, Prp.MAX_TRANSFER_BYTES, pages, 0, LIST_IOVA);
            assertEquals(0x1000L * (Prp.LIST_ENTRIES - 1), pages.get(ValueLayout.JAVA_LONG, 4096 - 16), "the last entry used");
        }
    }
}
