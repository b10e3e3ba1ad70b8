package io.dmactl.vfio;

import java.util.List;
import java.util.OptionalLong;

/**
 * What {@code VFIO_IOMMU_GET_INFO} reports about a container's IOMMU (type1v2).
 *
 * @param iovaPageSizes         bitmask of supported IOMMU page sizes (bit n set: 2^n bytes)
 * @param validIovaRanges       where mappings may go ({@code VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE});
 *                              excludes reserved windows such as the x86 MSI range 0xfee00000-0xfeefffff.
 *                              Empty if the kernel did not report the capability.
 * @param dmaMappingsAvailable  how many more DMA mappings the container may create
 *                              ({@code VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL}), if reported
 */
public record IommuInfo(long iovaPageSizes, List<IovaRange> validIovaRanges, OptionalLong dmaMappingsAvailable) {

    /** Copies {@code validIovaRanges}. */
    public IommuInfo {
        validIovaRanges = List.copyOf(validIovaRanges);
    }

    /**
     * The smallest IOMMU page size: mappings' IOVA and length must be multiples of it.
     *
     * @return the page size in bytes
     */
    public long minPageSizeBytes() {
        return Long.lowestOneBit(iovaPageSizes);
    }

    /**
     * True if {@code [iova, iova + lengthBytes)} lies entirely inside one valid range.
     *
     * @param iova the first IOVA
     * @param lengthBytes the length in bytes
     * @return true if valid
     */
    public boolean isValidIova(long iova, long lengthBytes) {
        return validIovaRanges.stream().anyMatch(range -> range.contains(iova, lengthBytes));
    }
}
