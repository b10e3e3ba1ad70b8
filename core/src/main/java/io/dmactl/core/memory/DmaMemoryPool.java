package io.dmactl.core.memory;

import io.dmactl.core.PoolExhaustedException;
import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.spi.EngineMemory;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.ReleaseHandler;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Native memory for DMA. Gets page-aligned (hugepage-backed when available), locked chunks from a
 * {@link PageSource} on demand, up to a limit, and carves {@link DmaBuffer}s out of them at page
 * granularity (so every buffer can be mapped into an IOMMU on its own). Buffers longer than a
 * chunk get a dedicated block. Client-owned native memory can be registered as a buffer too.
 *
 * <p>Release listeners (the runtime's IOMMU mapping tables) run before a buffer's pages are
 * reused, so no device can still reach memory that a new buffer hands out. Thread-safe; control
 * path (synchronized).
 */
public final class DmaMemoryPool implements EngineMemory, AutoCloseable {
    private final PageSource source;
    private final long pageBytes;
    private final long chunkBytes;
    private final long limitBytes;
    private final Handler handler = new Handler();
    private final List<PoolChunk> chunks = new ArrayList<>();
    private final Map<DmaBuffer, Carve> live = new IdentityHashMap<>();
    private final TreeMap<Long, DmaBuffer> registeredByAddress = new TreeMap<>();
    private final List<Consumer<DmaBuffer>> releaseListeners = new CopyOnWriteArrayList<>();
    private long reservedBytes;
    private long nextId = 1;
    private boolean closed;

    /**
     * A pool over {@code source}, which it closes when it closes.
     *
     * @param source where the memory comes from
     * @param pageBytes  carving granularity and required alignment of registered memory (the IOMMU page, 4 KiB)
     * @param chunkBytes memory fetched from the source at a time (2 MiB: one hugepage)
     * @param limitBytes most memory the pool may hold from its source
     */
    public DmaMemoryPool(PageSource source, long pageBytes, long chunkBytes, long limitBytes) {
        this.source = Objects.requireNonNull(source, "source");
        if (pageBytes < 512 || Long.bitCount(pageBytes) != 1) {
            throw new IllegalArgumentException("pageBytes " + pageBytes + " must be a power of two >= 512");
        }
        long unit = Math.max(pageBytes, source.granuleBytes());
        if (chunkBytes <= 0 || chunkBytes % unit != 0) {
            throw new IllegalArgumentException("chunkBytes " + chunkBytes + " must be a positive multiple of " + unit
                + " (page and source granule)");
        }
        if (limitBytes < chunkBytes) {
            throw new IllegalArgumentException("limitBytes " + limitBytes + " must be at least chunkBytes " + chunkBytes);
        }
        this.pageBytes = pageBytes;
        this.chunkBytes = chunkBytes;
        this.limitBytes = limitBytes;
    }

    /**
     * A page-aligned buffer of {@code lengthBytes}, zeroed.
     *
     * @param lengthBytes the buffer's length in bytes, at least 1
     * @return a zeroed buffer; close it to give it back
     */
    public DmaBuffer allocate(long lengthBytes) {
        return allocate(lengthBytes, pageBytes);
    }

    /**
     * A buffer of {@code lengthBytes} whose address is a multiple of {@code alignmentBytes}, zeroed.
     *
     * @param lengthBytes the buffer's length in bytes, at least 1
     * @param alignmentBytes the address alignment in bytes, a power of two
     * @return a zeroed buffer; close it to give it back
     * @throws IllegalArgumentException for a non-positive length, a length above the pool limit, or an
     *                                  alignment that is not a power of two or exceeds what the pool can give
     * @throws PoolExhaustedException   if the pool limit (or the system) leaves no room
     */
    public DmaBuffer allocate(long lengthBytes, long alignmentBytes) {
        if (lengthBytes <= 0) {
            throw new IllegalArgumentException("buffer lengthBytes " + lengthBytes + " must be positive");
        }
        if (lengthBytes > limitBytes) {
            throw new IllegalArgumentException("buffer lengthBytes " + lengthBytes + " exceeds the pool limit of " + limitBytes
                + " bytes; raise it with DmaRuntime.Builder.poolLimitBytes");
        }
        if (alignmentBytes <= 0 || Long.bitCount(alignmentBytes) != 1) {
            throw new IllegalArgumentException("alignmentBytes " + alignmentBytes + " must be a power of two");
        }
        // Pages are counted in an int: refused here, before rounding up could overflow.
        if ((lengthBytes - 1) / pageBytes >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer lengthBytes " + lengthBytes + " is more than one buffer can hold: at most "
                + Integer.MAX_VALUE * pageBytes + " bytes (" + Integer.MAX_VALUE + " pages of " + pageBytes + " bytes)");
        }
        long alignment = Math.max(alignmentBytes, pageBytes);
        long roundedBytes = alignUp(lengthBytes, pageBytes);
        int pageCount = Math.toIntExact(roundedBytes / pageBytes);
        synchronized (this) {
            checkOpen();
            if (roundedBytes <= chunkBytes && alignment <= chunkBytes) {
                for (PoolChunk chunk : chunks) {
                    if (!chunk.dedicated) {
                        int first = chunk.allocate(pageCount, alignment);
                        if (first >= 0) {
                            return carved(chunk, first, pageCount, lengthBytes);
                        }
                    }
                }
                PoolChunk chunk = newChunk(chunkBytes, false, lengthBytes);
                int first = chunk.allocate(pageCount, alignment);
                if (first < 0) {
                    throw new IllegalArgumentException("alignmentBytes " + alignmentBytes + " cannot be met for " + lengthBytes
                        + " bytes inside a " + chunkBytes + "-byte chunk");
                }
                return carved(chunk, first, pageCount, lengthBytes);
            }
            long granule = Math.max(pageBytes, source.granuleBytes());
            if (alignment > granule) {
                throw new IllegalArgumentException("alignmentBytes " + alignmentBytes + " for a " + lengthBytes
                    + "-byte buffer larger than a chunk must not exceed the backing page size " + granule);
            }
            PoolChunk chunk = newChunk(alignUp(lengthBytes, granule), true, lengthBytes);
            int first = chunk.allocate(pageCount, alignment);
            return carved(chunk, first, pageCount, lengthBytes);
        }
    }

    /**
     * Registers client-owned native memory for DMA (cf. SPDK spdk_mem_register). The client keeps
     * owning it and must keep it alive until the returned buffer is closed; closing the buffer
     * unmaps it from every IOMMU domain but does not free it.
     *
     * @param clientSegment native memory the caller owns (page-aligned address and length)
     * @return a buffer over the segment
     * @throws IllegalArgumentException if the segment is not native, not page-aligned in address and
     *                                  length, or overlaps pool memory or another registration
     */
    public DmaBuffer register(MemorySegment clientSegment) {
        Objects.requireNonNull(clientSegment, "clientSegment");
        if (!clientSegment.isNative()) {
            throw new IllegalArgumentException("cannot register a heap segment for DMA: devices reach only native memory; "
                + "allocate it with an Arena or use DmaRuntime.allocate");
        }
        long address = clientSegment.address();
        long length = clientSegment.byteSize();
        if (length == 0 || address % pageBytes != 0 || length % pageBytes != 0) {
            throw new IllegalArgumentException("cannot register segment at 0x" + Long.toHexString(address) + " of " + length
                + " bytes: address and length must be non-zero multiples of the page size " + pageBytes
                + " (allocate with Arena.allocate(length, " + pageBytes + "))");
        }
        synchronized (this) {
            checkOpen();
            for (PoolChunk chunk : chunks) {
                if (chunk.contains(address, length)) {
                    throw new IllegalArgumentException("segment at 0x" + Long.toHexString(address) + " of " + length
                        + " bytes overlaps memory of this pool; use the DmaBuffer you got from allocate");
                }
            }
            Map.Entry<Long, DmaBuffer> below = registeredByAddress.floorEntry(address + length - 1);
            if (below != null && below.getKey() + below.getValue().lengthBytes() > address) {
                throw new IllegalArgumentException("segment at 0x" + Long.toHexString(address) + " of " + length
                    + " bytes overlaps registered " + below.getValue().describe() + " at 0x" + Long.toHexString(below.getKey()));
            }
            DmaBuffer buffer = LocationInternals.newBuffer(nextId++, clientSegment, length, true, handler);
            live.put(buffer, new Carve(null, 0, 0));
            registeredByAddress.put(address, buffer);
            return buffer;
        }
    }

    /**
     * True if {@code buffer} came from this pool (allocated or registered), whether or not it is still open.
     *
     * @param buffer a buffer
     * @return true if it came from this pool
     */
    public boolean owns(DmaBuffer buffer) {
        return buffer != null && buffer.isOwnedBy(handler);
    }

    /**
     * Called with every buffer being released, before its pages can be reused.
     *
     * @param listener called on the releasing thread
     */
    public void addReleaseListener(Consumer<DmaBuffer> listener) {
        releaseListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * The carving granularity, and the alignment registered memory needs.
     *
     * @return the page size in bytes
     */
    public long pageBytes() {
        return pageBytes;
    }

    /**
     * The most memory the pool may hold from its source.
     *
     * @return the limit in bytes
     */
    public long limitBytes() {
        return limitBytes;
    }

    /**
     * Memory held from the source.
     *
     * @return the bytes held
     */
    public synchronized long reservedBytes() {
        return reservedBytes;
    }

    /**
     * Memory handed out in buffers (page-rounded).
     *
     * @return the bytes in buffers
     */
    public synchronized long usedBytes() {
        long used = 0;
        for (PoolChunk chunk : chunks) {
            used += chunk.usedBytes();
        }
        return used;
    }

    /**
     * The buffers allocated or registered and not yet closed.
     *
     * @return the number of buffers
     */
    public synchronized int liveBuffers() {
        return live.size();
    }

    /**
     * The pool's source and usage, for diagnostics.
     *
     * @return a one-line description
     */
    public String describe() {
        return source.describe();
    }

    /**
     * Releases every buffer still live (their gates are forced closed and release listeners run), then
     * returns all memory to the source. Call only once no engine can touch the memory. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        RuntimeException first = null;
        for (DmaBuffer buffer : new ArrayList<>(live.keySet())) {
            LocationInternals.gate(buffer).forceClose();
            try {
                releaseLocked(buffer);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        for (PoolChunk chunk : chunks) {
            chunk.pages.close();
        }
        chunks.clear();
        reservedBytes = 0;
        closed = true;
        if (first != null) {
            throw first;
        }
    }

    private DmaBuffer carved(PoolChunk chunk, int firstPage, int pageCount, long lengthBytes) {
        MemorySegment pages = chunk.segment.asSlice(firstPage * pageBytes, pageCount * pageBytes);
        pages.fill((byte) 0);
        DmaBuffer buffer = LocationInternals.newBuffer(nextId++, pages, lengthBytes, false, handler);
        live.put(buffer, new Carve(chunk, firstPage, pageCount));
        return buffer;
    }

    private PoolChunk newChunk(long bytes, boolean dedicated, long requestedBytes) {
        if (reservedBytes + bytes > limitBytes) {
            throw new PoolExhaustedException("DMA memory pool exhausted: " + requestedBytes + " bytes requested, "
                + usedBytes() + " of " + reservedBytes + " reserved bytes in use, limit " + limitBytes
                + " bytes (" + source.describe() + "); close buffers or raise the limit");
        }
        PageSource.Pages pages;
        try {
            pages = source.allocate(bytes);
        } catch (RuntimeException e) {
            PoolExhaustedException failure = new PoolExhaustedException("cannot get " + bytes + " more bytes of DMA memory from "
                + source.describe() + ": " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        PoolChunk chunk = new PoolChunk(pages, pageBytes, dedicated);
        chunks.add(chunk);
        reservedBytes += bytes;
        return chunk;
    }

    private void releaseLocked(DmaBuffer buffer) {
        Carve carve = live.remove(buffer);
        if (carve == null) {
            throw new IllegalStateException("double free of " + buffer.describe() + ": it was already released");
        }
        try {
            for (Consumer<DmaBuffer> listener : releaseListeners) {
                listener.accept(buffer); // unmap from IOMMU domains before the pages can be reused
            }
        } finally {
            if (carve.chunk == null) {
                registeredByAddress.remove(buffer.pages().address());
            } else {
                carve.chunk.free(carve.firstPage, carve.pageCount);
                if (carve.chunk.dedicated) {
                    chunks.remove(carve.chunk);
                    reservedBytes -= carve.chunk.segment.byteSize();
                    carve.chunk.pages.close();
                }
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("DMA memory pool is closed");
        }
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    /** Where a live buffer's pages came from; chunk null for registered client memory. */
    private record Carve(PoolChunk chunk, int firstPage, int pageCount) {
    }

    /** The release path of this pool's buffers; private so only the pool's own buffers carry it. */
    private final class Handler implements ReleaseHandler<DmaBuffer> {
        @Override
        public void release(DmaBuffer buffer) {
            synchronized (DmaMemoryPool.this) {
                if (closed) {
                    return; // everything was released when the pool closed
                }
                releaseLocked(buffer);
            }
        }
    }
}
