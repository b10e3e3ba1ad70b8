package io.dmactl.provider.nvme;

import java.lang.foreign.MemorySegment;

import static io.dmactl.provider.nvme.NvmeRegisters.PAGE_BYTES;
import static io.dmactl.provider.nvme.SubmissionEntry.U64;

/**
 * Physical Region Page entries for one data buffer (NVMe 1.4, 4.3 "Physical Region Page Entry
 * and List"): PRP1 is the buffer's first address (dword aligned, any offset in its page); if the
 * buffer reaches into a second page, PRP2 is that page; if it reaches further, PRP2 points to a
 * PRP list holding the page address of every page after the first.
 *
 * <p>The buffer is one location of the core, mapped contiguously in the engine's IOVA space, so
 * every entry is an address inside the op's own mapping: none is invented. The list lives in the
 * command slot's own preallocated page, so building it allocates nothing.
 */
final class Prp {
    static final long PAGE_MASK = PAGE_BYTES - 1;
    /** Entries one list page holds; the last is not used as a chain pointer because transfers are capped. */
    static final int LIST_ENTRIES = PAGE_BYTES / Long.BYTES;
    /** The longest buffer whose PRP list fits one page (the first page may be partial). */
    static final int MAX_TRANSFER_BYTES = (LIST_ENTRIES - 1) * PAGE_BYTES;

    private Prp() {
    }

    /** Pages touched by {@code [address, address + lengthBytes)}. */
    static int pages(long address, int lengthBytes) {
        long first = address & ~PAGE_MASK;
        long end = address + lengthBytes;
        return (int) ((end - first + PAGE_MASK) / PAGE_BYTES);
    }

    /**
     * PRP2 for the buffer {@code [address, address + lengthBytes)}, writing a PRP list into
     * {@code list} at offset 0 when one is needed.
     *
     * @param pages      memory holding the command slot's list page (host memory)
     * @param listOffset where the slot's page starts in {@code pages}
     * @param listIova   that page's bus address
     * @return 0 (one page), the second page's address (two), or {@code listIova} (more)
     */
    static long prp2(long address, int lengthBytes, MemorySegment pages, long listOffset, long listIova) {
        long firstPage = address & ~PAGE_MASK;
        long end = address + lengthBytes;
        long second = firstPage + PAGE_BYTES;
        if (end <= second) {
            return 0;
        }
        if (end <= second + PAGE_BYTES) {
            return second;
        }
        long offset = listOffset;
        for (long page = second; page < end; page += PAGE_BYTES) {
            pages.set(U64, offset, page);
            offset += Long.BYTES;
        }
        return listIova;
    }
}
