package io.dmactl.core.memory;

import java.lang.foreign.MemorySegment;

/**
 * One block of pages the pool got from its {@link PageSource}, carved page by page. A bit per
 * page (set = in use); first fit from the lowest page. Guarded by the pool's lock.
 */
final class PoolChunk {
    final PageSource.Pages pages;
    final MemorySegment segment;
    final boolean dedicated;
    private final long pageBytes;
    private final int pageCount;
    private final long[] inUse;
    private int freePages;

    PoolChunk(PageSource.Pages pages, long pageBytes, boolean dedicated) {
        this.pages = pages;
        this.segment = pages.segment();
        this.pageBytes = pageBytes;
        this.dedicated = dedicated;
        long count = segment.byteSize() / pageBytes;
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("chunk of " + segment.byteSize() + " bytes has too many pages");
        }
        this.pageCount = (int) count;
        this.inUse = new long[(pageCount + 63) / 64];
        this.freePages = pageCount;
    }

    /** @return the first page of a free run of {@code count} pages aligned to {@code alignmentBytes}, marked used; -1 if none */
    int allocate(int count, long alignmentBytes) {
        if (count > freePages) {
            return -1;
        }
        long base = segment.address();
        long alignedBase = (base + alignmentBytes - 1) & -alignmentBytes;
        long firstCandidate = (alignedBase - base) / pageBytes;
        int step = (int) Math.max(1, alignmentBytes / pageBytes);
        for (long start = firstCandidate; start + count <= pageCount; start += step) {
            int blocker = firstUsed((int) start, count);
            if (blocker < 0) {
                mark((int) start, count, true);
                freePages -= count;
                return (int) start;
            }
            // Jump past the used page, staying on the alignment grid.
            long next = blocker + 1L;
            long steps = Math.max(1, (next - start + step - 1) / step);
            start += (steps - 1) * step;
        }
        return -1;
    }

    void free(int first, int count) {
        for (int i = first; i < first + count; i++) {
            if ((inUse[i >>> 6] & (1L << i)) == 0) {
                throw new IllegalStateException("page " + i + " of chunk at 0x" + Long.toHexString(segment.address()) + " is already free");
            }
        }
        mark(first, count, false);
        freePages += count;
    }

    boolean isEmpty() {
        return freePages == pageCount;
    }

    long usedBytes() {
        return (long) (pageCount - freePages) * pageBytes;
    }

    boolean contains(long address, long lengthBytes) {
        long base = segment.address();
        return address < base + segment.byteSize() && address + lengthBytes > base;
    }

    private int firstUsed(int start, int count) {
        for (int i = start; i < start + count; i++) {
            if ((inUse[i >>> 6] & (1L << i)) != 0) {
                return i;
            }
        }
        return -1;
    }

    private void mark(int start, int count, boolean used) {
        for (int i = start; i < start + count; i++) {
            if (used) {
                inUse[i >>> 6] |= 1L << i;
            } else {
                inUse[i >>> 6] &= ~(1L << i);
            }
        }
    }
}
