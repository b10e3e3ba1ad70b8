package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;

import java.util.List;

/**
 * What {@code VFIO_DEVICE_GET_REGION_INFO} reports about one region of a device.
 *
 * @param index        the region index (for PCI: 0-5 BARs, 6 ROM, 7 config space)
 * @param sizeBytes    the region's size; 0 for an unimplemented region (e.g. an unused BAR)
 * @param fileOffset   where the region starts in the device fd, for pread/pwrite/mmap
 * @param flags        {@code VFIO_REGION_INFO_FLAG_*}
 * @param capabilities the region's capability chain, in kernel order
 */
public record RegionInfo(int index, long sizeBytes, long fileOffset, int flags, List<RegionCapability> capabilities) {

    /** Copies {@code capabilities}. */
    public RegionInfo {
        capabilities = List.copyOf(capabilities);
    }

    /**
     * Region supports read.
     *
     * @return true if readable
     */
    public boolean readable() {
        return (flags & Native.VFIO_REGION_INFO_FLAG_READ()) != 0;
    }

    /**
     * Region supports write.
     *
     * @return true if writable
     */
    public boolean writable() {
        return (flags & Native.VFIO_REGION_INFO_FLAG_WRITE()) != 0;
    }

    /**
     * Region supports mmap (see also {@link #sparseMmapAreas()}).
     *
     * @return true if mmap-able
     */
    public boolean mappable() {
        return (flags & Native.VFIO_REGION_INFO_FLAG_MMAP()) != 0;
    }

    /**
     * The mmap-able areas if the region has a sparse-mmap capability, else empty (all of it, if mappable).
     *
     * @return the areas, or empty
     */
    public List<SparseMmapArea> sparseMmapAreas() {
        for (RegionCapability capability : capabilities) {
            if (capability instanceof RegionCapability.SparseMmap sparse) {
                return sparse.areas();
            }
        }
        return List.of();
    }
}
