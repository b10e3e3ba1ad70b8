package io.dmactl.vfio;

import java.util.List;

/** One entry of a region's capability chain ({@code VFIO_REGION_INFO_CAP_*}). */
public sealed interface RegionCapability {

    /** Only these parts of the region may be mmapped ({@code VFIO_REGION_INFO_CAP_SPARSE_MMAP}). */
    record SparseMmap(List<SparseMmapArea> areas) implements RegionCapability {
        public SparseMmap {
            areas = List.copyOf(areas);
        }
    }

    /** A device-specific region's type and subtype ({@code VFIO_REGION_INFO_CAP_TYPE}). */
    record Type(int type, int subtype) implements RegionCapability {
    }

    /**
     * The MSI-X table in this BAR may be mmapped along with the rest
     * ({@code VFIO_REGION_INFO_CAP_MSIX_MAPPABLE}); it must still be programmed through
     * {@link VfioDevice#setIrqEventFds}.
     */
    record MsixMappable() implements RegionCapability {
    }

    /** A capability dmactl does not interpret. */
    record Other(int id, int version) implements RegionCapability {
    }
}
