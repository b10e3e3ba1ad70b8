package io.dmactl.vfio;

/**
 * A range of I/O virtual addresses the IOMMU accepts for DMA mappings.
 * Both ends are inclusive, as the kernel reports them, so the range may reach 2^64-1;
 * compare as unsigned.
 *
 * @param start        first valid IOVA
 * @param endInclusive last valid IOVA
 */
public record IovaRange(long start, long endInclusive) {

    /** Checks that {@code start} is not above {@code endInclusive} (compared unsigned). */
    public IovaRange {
        if (Long.compareUnsigned(start, endInclusive) > 0) {
            throw new IllegalArgumentException("IOVA range start 0x" + Long.toHexString(start)
                    + " is above its end 0x" + Long.toHexString(endInclusive));
        }
    }

    /**
     * True if all of {@code [iova, iova + lengthBytes)} lies inside this range.
     *
     * @param iova the first IOVA
     * @param lengthBytes the length in bytes
     * @return true if contained
     */
    public boolean contains(long iova, long lengthBytes) {
        if (lengthBytes <= 0) {
            return false;
        }
        long last = iova + lengthBytes - 1;
        return Long.compareUnsigned(last, iova) >= 0 // no wrap past 2^64
                && Long.compareUnsigned(iova, start) >= 0
                && Long.compareUnsigned(last, endInclusive) <= 0;
    }

    @Override
    public String toString() {
        return "[0x" + Long.toHexString(start) + "-0x" + Long.toHexString(endInclusive) + "]";
    }
}
