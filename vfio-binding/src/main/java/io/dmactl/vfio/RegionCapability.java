package io.dmactl.vfio;

import java.util.List;

/** One entry of a region's capability chain ({@code VFIO_REGION_INFO_CAP_*}). */
public sealed interface RegionCapability {

    /**
     * Only these parts of the region may be mmapped ({@code VFIO_REGION_INFO_CAP_SPARSE_MMAP}).
     *
     * @param areas the mmap-able areas
     */
    record SparseMmap(List<SparseMmapArea> areas) implements RegionCapability {
        /** Copies {@code areas}. */
        public SparseMmap {
            areas = List.copyOf(areas);
        }
    }

    /**
     * A device-specific region's type and subtype ({@code VFIO_REGION_INFO_CAP_TYPE}).
     *
     * @param type the region type
     * @param subtype the region subtype
     */
    record Type(int type, int subtype) implements RegionCapability {
    }

    /**
     * The MSI-X table in this BAR may be mmapped along with the rest
     * ({@code VFIO_REGION_INFO_CAP_MSIX_MAPPABLE}); it must still be programmed through
     * {@link VfioDevice#setIrqEventFds}.
     */
    record MsixMappable() implements RegionCapability {
    }

    /**
     * A capability dmactl does not interpret.
     *
     * @param id the capability id
     * @param version the capability version
     */
    record Other(int id, int version) implements RegionCapability {
    }
}
