package io.dmactl.core.memory;

/**
 * An inclusive range of IOVAs, as the kernel reports valid ranges
 * (VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE). Inclusive so the top of the space fits in a long;
 * IOVAs at or above 2^63 are out of reach for this library (no IOMMU we drive has them).
 */
public record IovaRange(long firstIova, long lastIova) {

    public IovaRange {
        if (firstIova < 0 || lastIova < firstIova) {
            throw new IllegalArgumentException("IOVA range 0x" + Long.toHexString(firstIova) + "..0x"
                + Long.toHexString(lastIova) + " must satisfy 0 <= first <= last < 2^63");
        }
    }

    /** From the kernel's unsigned 64-bit bounds: the part at or above 2^63 is dropped; null if nothing remains. */
    public static IovaRange ofUnsigned(long start, long end) {
        if (start < 0) {
            return null;
        }
        return new IovaRange(start, end < 0 ? Long.MAX_VALUE : end);
    }

    public long lengthBytes() {
        long length = lastIova - firstIova + 1;
        return length <= 0 ? Long.MAX_VALUE : length;
    }

    public boolean contains(long iova) {
        return iova >= firstIova && iova <= lastIova;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(firstIova) + "..0x" + Long.toHexString(lastIova);
    }
}
