package io.dmactl.core.memory;

import io.dmactl.core.IovaExhaustedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Hands out IOVA ranges in one IOMMU domain: page granularity, only inside the kernel's valid
 * ranges, never above a request's limit (the engine's DMA mask), and <b>highest fit first</b>: each
 * allocation takes the highest free range at or below its limit, as the Linux kernel's IOVA
 * allocator does. So every DMA-mask class fills the top of its own reach: a 64-bit engine's
 * mappings land at the top of the domain (below the IOMMU's address width, which the kernel's
 * valid ranges already end at: 2^39 or 2^48 with intel-iommu), a 32-bit engine's just below 4 GiB,
 * and the scarce low space stays free for the narrowest engine (edu: 28 bits) until everything
 * above it is used.
 *
 * <pre>
 *   0 ... 2^28 ..................... 2^32 ...................................... top of the domain
 *   |   28-bit |     32-bit engines   | MSI window cut out by the kernel |       64-bit engines  |
 *   |  &lt;-- fills downwards from each limit; a wider request spills below only when its own space is full
 * </pre>
 *
 * <p>IOVA 0 is never handed out: a zero address in a descriptor is then always a bug that faults
 * in the IOMMU instead of silently hitting a real buffer. Thread-safe (control path, synchronized).
 *
 * <p>IOVAs and limits are unsigned 64-bit bus addresses held in longs: an IOMMU without a limit
 * reports 2^64-1 (-1 as a long) as its last IOVA, and a limit of -1 means "no DMA mask". Every
 * comparison is {@link Long#compareUnsigned}, and every sum is checked for wrapping past 2^64.
 */
public final class IovaAllocator {
    private final long pageSizeBytes;
    private final List<IovaRange> usableRanges;
    /** Free extents: first IOVA → last IOVA (inclusive); disjoint, never adjacent; ordered unsigned. */
    private final TreeMap<Long, Long> free = new TreeMap<>(Long::compareUnsigned);
    /** Live allocations: IOVA → page-rounded length, to check every free. */
    private final TreeMap<Long, Long> allocated = new TreeMap<>(Long::compareUnsigned);

    /**
     * An allocator over {@code validRanges}, in pages of {@code pageSizeBytes}.
     *
     * @param validRanges the IOVA ranges the kernel accepts
     * @param pageSizeBytes the IOMMU page size, a power of two
     */
    public IovaAllocator(List<IovaRange> validRanges, long pageSizeBytes) {
        Objects.requireNonNull(validRanges, "validRanges");
        if (pageSizeBytes < 512 || Long.bitCount(pageSizeBytes) != 1) {
            throw new IllegalArgumentException("pageSizeBytes " + pageSizeBytes + " must be a power of two >= 512");
        }
        this.pageSizeBytes = pageSizeBytes;
        List<IovaRange> sorted = new ArrayList<>(validRanges);
        sorted.sort((a, b) -> Long.compareUnsigned(a.firstIova(), b.firstIova()));
        List<IovaRange> usable = new ArrayList<>();
        IovaRange previous = null;
        for (IovaRange range : sorted) {
            if (previous != null && Long.compareUnsigned(range.firstIova(), previous.lastIova()) <= 0) {
                throw new IllegalArgumentException("valid IOVA ranges overlap at " + range + ": " + validRanges);
            }
            previous = range;
            long first = alignUp(range.firstIova(), pageSizeBytes);
            if (first == 0 && range.firstIova() != 0) {
                continue; // starts inside the top page: no whole page left
            }
            first = first == 0 ? pageSizeBytes : first; // skip page 0
            if (Long.compareUnsigned(range.lastIova(), pageSizeBytes - 1) < 0) {
                continue;
            }
            // Largest page start p with p + page - 1 <= last: last - page + 1 cannot wrap here, and
            // for last = 2^64-1 it is 2^64 - page, the top page's start.
            long lastPageStart = (range.lastIova() - pageSizeBytes + 1) & -pageSizeBytes;
            if (Long.compareUnsigned(lastPageStart, first) < 0) {
                continue;
            }
            long last = lastPageStart + pageSizeBytes - 1;
            usable.add(new IovaRange(first, last));
            addFree(first, last);
        }
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("no whole IOVA page (" + pageSizeBytes + " bytes) above 0 in valid ranges " + validRanges);
        }
        this.usableRanges = List.copyOf(usable);
    }

    /**
     * The page size allocations are made in.
     *
     * @return the page size in bytes
     */
    public long pageSizeBytes() {
        return pageSizeBytes;
    }

    /**
     * The valid ranges trimmed to whole pages (and without page 0).
     *
     * @return the ranges
     */
    public List<IovaRange> usableRanges() {
        return usableRanges;
    }

    /**
     * Allocates {@code lengthBytes} (rounded up to pages) at the highest IOVA aligned to
     * {@code alignmentBytes} (at least a page) whose last byte is at or below {@code limitIova}.
     *
     * @param lengthBytes the length in bytes, rounded up to pages
     * @param alignmentBytes the IOVA's alignment, a power of two
     * @param limitIova the highest IOVA the device can emit, unsigned: 2^bits - 1 for a DMA mask of
     *                  that many bits, -1 (2^64 - 1) for none
     * @return the range's first IOVA
     * @throws IllegalArgumentException for a non-positive length or a non-power-of-two alignment
     * @throws IovaExhaustedException   if no free range fits
     */
    public synchronized long allocate(long lengthBytes, long alignmentBytes, long limitIova) {
        if (lengthBytes <= 0) {
            throw new IllegalArgumentException("IOVA lengthBytes " + lengthBytes + " must be positive");
        }
        if (alignmentBytes <= 0 || Long.bitCount(alignmentBytes) != 1) {
            throw new IllegalArgumentException("IOVA alignmentBytes " + alignmentBytes + " must be a power of two");
        }
        long rounded = alignUp(lengthBytes, pageSizeBytes);
        if (rounded <= 0) {
            throw new IovaExhaustedException("IOVA length " + lengthBytes + " bytes cannot be represented");
        }
        long alignment = Math.max(alignmentBytes, pageSizeBytes);
        // Extents that start at or below the limit, highest first.
        for (Map.Entry<Long, Long> extent : free.headMap(limitIova, true).descendingMap().entrySet()) {
            long first = extent.getKey();
            long last = extent.getValue();
            long top = Long.compareUnsigned(last, limitIova) <= 0 ? last : limitIova;
            if (Long.compareUnsigned(top - first, rounded - 1) < 0) {
                continue; // fewer than rounded bytes in first..top (top >= first here: first <= limit)
            }
            long candidate = (top - rounded + 1) & -alignment; // cannot wrap: top - first >= rounded - 1
            if (Long.compareUnsigned(candidate, first) < 0) {
                continue; // aligning down left the extent
            }
            long end = candidate + rounded - 1;
            free.remove(first);
            if (candidate != first) {
                free.put(first, candidate - 1);
            }
            if (end != last) {
                free.put(end + 1, last);
            }
            allocated.put(candidate, rounded);
            return candidate;
        }
        throw new IovaExhaustedException("no free IOVA range of " + lengthBytes + " bytes (aligned to " + alignment
            + ") at or below 0x" + Long.toHexString(limitIova) + "; free ranges: " + describeFree());
    }

    /**
     * Returns an allocation.
     *
     * @param iova the first IOVA of an allocation
     * @param lengthBytes the length in bytes, rounded up to pages
     * @throws IllegalArgumentException if {@code iova} is not the start of a live allocation of that length
     */
    public synchronized void free(long iova, long lengthBytes) {
        Long rounded = allocated.get(iova);
        if (rounded == null) {
            throw new IllegalArgumentException("IOVA 0x" + Long.toHexString(iova) + " is not allocated (double free or foreign IOVA)");
        }
        if (rounded != alignUp(lengthBytes, pageSizeBytes)) {
            throw new IllegalArgumentException("IOVA 0x" + Long.toHexString(iova) + " was allocated with " + rounded
                + " bytes, freed with " + lengthBytes);
        }
        allocated.remove(iova);
        addFree(iova, iova + rounded - 1);
    }

    /**
     * Bytes of the usable ranges at or below {@code limitIova} (unsigned), free or not; -1 (2^64-1) if that many.
     *
     * @param limitIova the highest IOVA the range may reach (unsigned; -1 for none)
     * @return the byte count
     */
    public long usableBytesAtOrBelow(long limitIova) {
        long total = 0;
        for (IovaRange range : usableRanges) {
            if (Long.compareUnsigned(range.firstIova(), limitIova) > 0) {
                break;
            }
            long last = Long.compareUnsigned(range.lastIova(), limitIova) <= 0 ? range.lastIova() : limitIova;
            long bytes = last - range.firstIova() + 1; // 0 only for a range of all 2^64 IOVAs, impossible without page 0
            if (Long.compareUnsigned(total + bytes, total) < 0) {
                return -1L;
            }
            total += bytes;
        }
        return total;
    }

    /**
     * Total free bytes (for tests and diagnostics); Long.MAX_VALUE if 2^63 bytes or more are free.
     *
     * @return the free bytes
     */
    public synchronized long freeBytes() {
        long total = 0;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            long extentBytes = e.getValue() - e.getKey() + 1; // never 0: page 0 is never free
            if (extentBytes < 0 || total + extentBytes < 0) {
                return Long.MAX_VALUE;
            }
            total += extentBytes;
        }
        return total;
    }

    /**
     * Number of live allocations.
     *
     * @return the count
     */
    public synchronized int allocationCount() {
        return allocated.size();
    }

    private void addFree(long first, long last) {
        Map.Entry<Long, Long> below = free.floorEntry(first);
        if (below != null && below.getValue() != -1L && below.getValue() + 1 == first) {
            free.remove(below.getKey());
            first = below.getKey();
        }
        if (last != -1L) { // 2^64 - 1: nothing above it to merge with
            Long aboveLast = free.remove(last + 1);
            if (aboveLast != null) {
                last = aboveLast;
            }
        }
        free.put(first, last);
    }

    private String describeFree() {
        StringBuilder text = new StringBuilder();
        int shown = 0;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            if (shown++ == 8) {
                text.append(", ...");
                break;
            }
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append("0x").append(Long.toHexString(e.getKey())).append("..0x").append(Long.toHexString(e.getValue()));
        }
        return text.isEmpty() ? "none" : text.toString();
    }

    /** Rounds up to a multiple of {@code alignment}; wraps to a value below {@code value} past 2^64. */
    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
