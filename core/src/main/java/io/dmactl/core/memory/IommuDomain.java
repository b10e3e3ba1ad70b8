package io.dmactl.core.memory;

import io.dmactl.core.spi.EngineContext;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/**
 * One IOMMU address space: a VFIO container with the groups of the devices in it. Every engine in
 * the domain sees the same IOVA→memory mappings. The core allocates IOVAs ({@link IovaAllocator})
 * and keeps mappings reference-counted ({@link IovaMappings}); implementations only perform the
 * map/unmap operations. Control path; implementations must be thread-safe.
 */
public interface IommuDomain extends AutoCloseable {

    /**
     * For messages: "vfio container /dev/vfio/vfio (groups 7, 9)".
     *
     * @return the name
     */
    String name();

    /**
     * The IOVA ranges the kernel accepts (e.g. without the MSI window 0xfee00000..0xfeefffff).
     *
     * @return the ranges
     */
    List<IovaRange> validIovaRanges();

    /**
     * The IOMMU page size: mappings start and end on multiples of it.
     *
     * @return the page size in bytes
     */
    long pageSizeBytes();

    /**
     * Whether memory of another device (an mmapped BAR) can be mapped, for peer-to-peer DMA.
     * VFIO type1 can.
     *
     * @return true if device memory (BARs) can be mapped
     */
    boolean mapsDeviceMemory();

    /**
     * Maps {@code segment} (page-aligned address and length) at {@code iova}.
     *
     * @param segment the memory to map, page-aligned
     * @param iova the IOVA, page-aligned
     * @param access what the devices may do with it
     * @throws RuntimeException with the kernel's reason if the mapping is refused
     */
    void map(MemorySegment segment, long iova, DmaAccess access);

    /**
     * Removes the mapping that starts at {@code iova}; after return no device can reach it.
     *
     * @param iova the IOVA, page-aligned
     * @param lengthBytes the mapping's length in bytes
     */
    void unmap(long iova, long lengthBytes);

    /**
     * True for no IOMMU at all (UIO): a device's bus addresses are physical addresses. Then the
     * core neither allocates IOVAs nor maps anything; it asks {@link #physicalAddress} for each
     * range, and refuses a range that is not physically contiguous or lies above the engine's
     * DMA limit (pages cannot be moved to fit it).
     *
     * @return true if addresses are physical
     */
    default boolean physical() {
        return false;
    }

    /**
     * The physical address of {@code pages} when {@link #physical()}.
     *
     * @param pages memory of a buffer or window, page-aligned
     * @return the physical address
     * @throws IllegalStateException naming the reason when the pages are not one physical run,
     *                               not present, or their addresses are hidden (not root)
     */
    default long physicalAddress(MemorySegment pages) {
        throw new UnsupportedOperationException(name() + " maps IOVAs; it has no physical addresses");
    }

    /** Releases the domain. Domains the runtime created are closed by it after every unmap. */
    @Override
    void close();

    /**
     * The domain of an engine's context, for in-process device models that play the device's side
     * of its DMA (the SPI gives providers {@link EngineContext#hasIommuDomain()} only).
     *
     * @param context the context the runtime gave the engine
     * @return the engine's domain, or empty if the context has none or does not expose it
     */
    static Optional<IommuDomain> of(EngineContext context) {
        return context instanceof Holder holder ? holder.iommuDomain() : Optional.empty();
    }

    /** An {@link EngineContext} that knows its engine's domain (the runtime's, a standalone one). */
    interface Holder {
        /**
         * The domain the engine's device is attached to.
         *
         * @return the domain, or empty if the engine has none (it addresses memory directly)
         */
        Optional<IommuDomain> iommuDomain();
    }
}
