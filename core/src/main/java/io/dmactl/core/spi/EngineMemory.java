package io.dmactl.core.spi;

import io.dmactl.core.location.DmaBuffer;

/**
 * The runtime's DMA memory as an engine sees it ({@link EngineContext#memoryPool()}): it can take
 * buffers for its rings, PRP lists and completion records, nothing more. It cannot free memory
 * other than its own or close the pool; a buffer it took goes back through
 * {@link EngineContext#releaseAfterDevice}, once the device can no longer use it.
 */
public interface EngineMemory {

    /**
     * A page-aligned buffer of {@code lengthBytes}, zeroed.
     *
     * @param lengthBytes the buffer's length in bytes, at least 1
     * @return a zeroed buffer; give it back through {@link EngineContext#releaseAfterDevice}
     * @throws IllegalArgumentException for a non-positive length or one above the pool limit
     * @throws io.dmactl.core.PoolExhaustedException if the pool limit (or the system) leaves no room
     */
    DmaBuffer allocate(long lengthBytes);

    /**
     * A buffer of {@code lengthBytes} whose address is a multiple of {@code alignmentBytes}, zeroed.
     *
     * @param lengthBytes    the buffer's length in bytes, at least 1
     * @param alignmentBytes the address alignment in bytes, a power of two
     * @return a zeroed buffer; give it back through {@link EngineContext#releaseAfterDevice}
     * @throws IllegalArgumentException for a non-positive length, a length above the pool limit, or an
     *                                  alignment that is not a power of two or exceeds what the pool can give
     * @throws io.dmactl.core.PoolExhaustedException if the pool limit (or the system) leaves no room
     */
    DmaBuffer allocate(long lengthBytes, long alignmentBytes);

    /**
     * The pool's page size: every buffer's length is a multiple of it.
     *
     * @return the page size in bytes (the IOMMU page, 4 KiB)
     */
    long pageBytes();
}
