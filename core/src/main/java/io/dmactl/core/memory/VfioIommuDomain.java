package io.dmactl.core.memory;

import io.dmactl.vfio.IommuInfo;
import io.dmactl.vfio.VfioContainer;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The IOMMU domain of a VFIO container (type1v2). Reads the valid IOVA ranges once, when built:
 * build it after every group of the runtime's devices is attached, because each group can narrow
 * them. Does not own the container; whoever opened it closes it.
 */
public final class VfioIommuDomain implements IommuDomain {
    /**
     * Used when the kernel does not report valid ranges (kernels before 5.4): 39-bit IOVAs without
     * the x86 MSI window 0xfee00000..0xfeefffff. 39 bits is the narrowest address width VT-d
     * IOMMUs commonly have (QEMU's intel-iommu defaults to it); the allocator fills from the top of
     * the valid ranges, so a wider guess would put mappings where such an IOMMU refuses them.
     */
    static final List<IovaRange> FALLBACK_RANGES = List.of(
        new IovaRange(0, 0xfedf_ffffL), new IovaRange(0xfef0_0000L, (1L << 39) - 1));

    private final VfioContainer container;
    private final List<IovaRange> ranges;
    private final long pageSizeBytes;

    /**
     * The domain of {@code container}, which the caller keeps open.
     *
     * @param container the VFIO container
     */
    public VfioIommuDomain(VfioContainer container) {
        this.container = Objects.requireNonNull(container, "container");
        IommuInfo info = container.iommuInfo();
        List<IovaRange> valid = new ArrayList<>();
        for (io.dmactl.vfio.IovaRange r : info.validIovaRanges()) {
            IovaRange range = IovaRange.ofUnsigned(r.start(), r.endInclusive());
            if (range != null) {
                valid.add(range);
            }
        }
        this.ranges = valid.isEmpty() ? FALLBACK_RANGES : List.copyOf(valid);
        this.pageSizeBytes = Math.max(4096, info.minPageSizeBytes());
    }

    @Override
    public String name() {
        return container.toString();
    }

    @Override
    public List<IovaRange> validIovaRanges() {
        return ranges;
    }

    @Override
    public long pageSizeBytes() {
        return pageSizeBytes;
    }

    /** VFIO type1 maps an mmapped BAR of another device like any other vaddr. */
    @Override
    public boolean mapsDeviceMemory() {
        return true;
    }

    @Override
    public void map(MemorySegment segment, long iova, DmaAccess access) {
        container.mapDma(segment, iova, access.deviceReads(), access.deviceWrites());
    }

    @Override
    public void unmap(long iova, long lengthBytes) {
        container.unmapDma(iova, lengthBytes);
    }

    /** The container belongs to its opener (the runtime's device source), which closes it. */
    @Override
    public void close() {
    }
}
