package io.dmactl.core.memory;

/**
 * An inclusive range of IOVAs, as the kernel reports valid ranges
 * (VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE). Both ends are unsigned 64-bit bus addresses: an IOMMU
 * without a limit reports a last IOVA of 2^64-1, which is -1 as a long. Inclusive so that end
 * fits; compare with {@link Long#compareUnsigned}.
 *
 * @param firstIova the first IOVA of the range
 * @param lastIova the last IOVA of the range (inclusive)
 */
public record IovaRange(long firstIova, long lastIova) {

    /** Checks that {@code firstIova} is not above {@code lastIova} (compared unsigned). */
    public IovaRange {
        if (Long.compareUnsigned(firstIova, lastIova) > 0) {
            throw new IllegalArgumentException("IOVA range 0x" + Long.toHexString(firstIova) + "..0x"
                + Long.toHexString(lastIova) + " must satisfy first <= last (unsigned 64-bit)");
        }
    }

    /**
     * From the kernel's unsigned 64-bit bounds, kept whole.
     *
     * @param start the first IOVA
     * @param end the last IOVA, inclusive
     * @return the range
     */
    public static IovaRange ofUnsigned(long start, long end) {
        return new IovaRange(start, end);
    }

    /**
     * The range's size, or Long.MAX_VALUE if it is 2^63 bytes or more.
     *
     * @return the length in bytes
     */
    public long lengthBytes() {
        long length = lastIova - firstIova + 1;
        return length <= 0 ? Long.MAX_VALUE : length;
    }

    /**
     * Whether {@code iova} lies in the range (compared unsigned).
     *
     * @param iova an IOVA
     * @return true if contained
     */
    public boolean contains(long iova) {
        return Long.compareUnsigned(iova, firstIova) >= 0 && Long.compareUnsigned(iova, lastIova) <= 0;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(firstIova) + "..0x" + Long.toHexString(lastIova);
    }
}
