package io.dmactl.core.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Hands out IOVA ranges in one IOMMU domain: page granularity, first fit from the lowest address
 * (so a small DMA mask is satisfied as long as low space remains), only inside the kernel's valid
 * ranges, never at or above a request's limit (the engine's DMA mask).
 *
 * <p>IOVA 0 is never handed out: a zero address in a descriptor is then always a bug that faults
 * in the IOMMU instead of silently hitting a real buffer. Thread-safe (control path, synchronized).
 */
public final class IovaAllocator {
    private final long pageSizeBytes;
    private final List<IovaRange> usableRanges;
    /** Free extents: first IOVA → last IOVA (inclusive); disjoint, never adjacent. */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    /** Live allocations: IOVA → page-rounded length, to check every free. */
    private final TreeMap<Long, Long> allocated = new TreeMap<>();

    public IovaAllocator(List<IovaRange> validRanges, long pageSizeBytes) {
        Objects.requireNonNull(validRanges, "validRanges");
        if (pageSizeBytes < 512 || Long.bitCount(pageSizeBytes) != 1) {
            throw new IllegalArgumentException("pageSizeBytes " + pageSizeBytes + " must be a power of two >= 512");
        }
        this.pageSizeBytes = pageSizeBytes;
        List<IovaRange> sorted = new ArrayList<>(validRanges);
        sorted.sort((a, b) -> Long.compare(a.firstIova(), b.firstIova()));
        List<IovaRange> usable = new ArrayList<>();
        long previousLast = -1;
        for (IovaRange range : sorted) {
            if (range.firstIova() <= previousLast) {
                throw new IllegalArgumentException("valid IOVA ranges overlap at " + range + ": " + validRanges);
            }
            previousLast = range.lastIova();
            long first = Math.max(alignUp(range.firstIova(), pageSizeBytes), pageSizeBytes); // skip page 0
            if (range.lastIova() < pageSizeBytes - 1 || first < 0) {
                continue;
            }
            // Largest page start p with p + page - 1 <= last, written so it cannot overflow.
            long lastPageStart = (range.lastIova() - pageSizeBytes + 1) & -pageSizeBytes;
            if (lastPageStart < first) {
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

    public long pageSizeBytes() {
        return pageSizeBytes;
    }

    /** The valid ranges trimmed to whole pages (and without page 0). */
    public List<IovaRange> usableRanges() {
        return usableRanges;
    }

    /**
     * Allocates {@code lengthBytes} (rounded up to pages) at the lowest IOVA aligned to
     * {@code alignmentBytes} (at least a page) whose last byte is {@code <= limitIova}.
     *
     * @throws IllegalArgumentException for a non-positive length, a non-power-of-two alignment or a negative limit
     * @throws IovaExhaustedException   if no free range fits
     */
    public synchronized long allocate(long lengthBytes, long alignmentBytes, long limitIova) {
        if (lengthBytes <= 0) {
            throw new IllegalArgumentException("IOVA lengthBytes " + lengthBytes + " must be positive");
        }
        if (alignmentBytes <= 0 || Long.bitCount(alignmentBytes) != 1) {
            throw new IllegalArgumentException("IOVA alignmentBytes " + alignmentBytes + " must be a power of two");
        }
        if (limitIova < 0) {
            throw new IllegalArgumentException("limitIova 0x" + Long.toHexString(limitIova) + " must be non-negative");
        }
        long rounded = alignUp(lengthBytes, pageSizeBytes);
        if (rounded <= 0) {
            throw new IovaExhaustedException("IOVA length " + lengthBytes + " bytes cannot be represented");
        }
        long alignment = Math.max(alignmentBytes, pageSizeBytes);
        for (Map.Entry<Long, Long> extent : free.entrySet()) {
            long first = extent.getKey();
            long last = extent.getValue();
            if (first > limitIova) {
                break;
            }
            long candidate = alignUp(first, alignment);
            if (candidate < 0 || candidate > last) {
                continue;
            }
            long end = candidate + rounded - 1;
            if (end < candidate || end > last || end > limitIova) {
                continue;
            }
            free.remove(first);
            if (candidate > first) {
                free.put(first, candidate - 1);
            }
            if (end < last) {
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

    /** Total free bytes (for tests and diagnostics). */
    public synchronized long freeBytes() {
        long total = 0;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            total += e.getValue() - e.getKey() + 1;
        }
        return total;
    }

    /** Number of live allocations. */
    public synchronized int allocationCount() {
        return allocated.size();
    }

    private void addFree(long first, long last) {
        Map.Entry<Long, Long> below = free.floorEntry(first);
        if (below != null && below.getValue() != Long.MAX_VALUE && below.getValue() + 1 == first) {
            free.remove(below.getKey());
            first = below.getKey();
        }
        if (last != Long.MAX_VALUE) {
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

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
