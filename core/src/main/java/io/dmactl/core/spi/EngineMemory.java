package io.dmactl.core.spi;

import io.dmactl.core.location.DmaBuffer;

/**
 * The runtime's DMA memory as an engine sees it ({@link EngineContext#memoryPool()}): it can take
 * buffers for its rings, PRP lists and completion records, nothing more. It cannot free memory
 * other than its own or close the pool; a buffer it took goes back through
 * {@link EngineContext#releaseAfterDevice}, once the device can no longer use it.
 */
public interface EngineMemory {

    /** A page-aligned buffer of {@code lengthBytes}, zeroed. */
    DmaBuffer allocate(long lengthBytes);

    /** A buffer of {@code lengthBytes} whose address is a multiple of {@code alignmentBytes} (a power of two), zeroed. */
    DmaBuffer allocate(long lengthBytes, long alignmentBytes);

    /** The pool's page size: every buffer is a multiple of it. */
    long pageBytes();
}
