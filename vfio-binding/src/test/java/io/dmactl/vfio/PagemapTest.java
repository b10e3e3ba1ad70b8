package io.dmactl.vfio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pagemap over fixture files in the kernel's format: 8 little-endian bytes per 4 KiB page. */
class PagemapTest {
    private static final long PRESENT = 1L << 63;
    @TempDir
    Path dir;

    /** Virtual pages 0..n-1 with the given entries. */
    private Pagemap fixture(long... entries) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(entries.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long e : entries) {
            b.putLong(e);
        }
        Path file = dir.resolve("pagemap");
        Files.write(file, b.array());
        return new Pagemap(file);
    }

    @Test
    void physicalAddressIsFrameTimesPagePlusOffset() throws IOException {
        Pagemap map = fixture(PRESENT | 0x100, PRESENT | 0x2345 | (1L << 61)); // bit 61 (file page) is not PFN
        assertEquals(0x100_000L + 0x10, map.physicalAddress(0x10));
        assertEquals(0x2345_000L + 0xfff, map.physicalAddress(4096 + 0xfff));
    }

    @Test
    void contiguityFollowsFrames() throws IOException {
        Pagemap map = fixture(PRESENT | 10, PRESENT | 11, PRESENT | 12, PRESENT | 40);
        assertEquals(3 * 4096, map.contiguousBytes(0, 4 * 4096));
        assertEquals(3 * 4096 - 100, map.contiguousBytes(100, 4 * 4096 - 100));
        assertEquals(10 * 4096 + 100, map.contiguousPhysicalAddress(100, 3 * 4096 - 100));
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> map.contiguousPhysicalAddress(4096, 3 * 4096));
        assertTrue(e.getMessage().contains("breaks after 8192 bytes"), e.getMessage());
    }

    @Test
    void absentPagesAndHiddenFramesAreRefusedWithTheReason() throws IOException {
        Pagemap map = fixture(0x55, PRESENT);
        assertTrue(assertThrows(IllegalStateException.class, () -> map.physicalAddress(0)).getMessage()
            .contains("not present"));
        assertTrue(assertThrows(IllegalStateException.class, () -> map.physicalAddress(4096)).getMessage()
            .contains("run as root"));
    }

    @Test
    void rangesOutsideTheFileOrNotPositiveAreRefused() throws IOException {
        Pagemap map = fixture(PRESENT | 1);
        assertThrows(IllegalStateException.class, () -> map.contiguousBytes(0, 2 * 4096));
        assertThrows(IllegalArgumentException.class, () -> map.contiguousBytes(0, 0));
        assertThrows(IllegalArgumentException.class, () -> map.contiguousBytes(-4096, 10));
    }

    @Test
    void ownLockedPagesArePresentOrHiddenButNeverWrong() {
        try (HostPages pages = HostPages.allocate(2 * 4096, PageKind.NORMAL)) {
            pages.segment().fill((byte) 1);
            try {
                long physical = Pagemap.self().physicalAddress(pages.segment().address());
                assertEquals(0, physical % 4096, "page-aligned memory has a page-aligned physical address");
            } catch (IllegalStateException hidden) {
                assertTrue(hidden.getMessage().contains("run as root"), hidden.getMessage());
            }
        }
    }
}
