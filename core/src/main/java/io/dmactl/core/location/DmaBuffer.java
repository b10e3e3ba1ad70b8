package io.dmactl.core.location;

import io.dmactl.core.internal.InFlightGate;
import io.dmactl.core.internal.LocationInternals;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Host memory a device may read or write: carved from the runtime's {@code DmaMemoryPool}
 * (page-aligned, locked, hugepage-backed when available) or client memory registered with it.
 *
 * <p>The CPU reads and writes it through {@link #segment()}. The core maps it into an engine's
 * IOMMU domain the first time an engine in that domain uses it, and keeps the mapping until the
 * buffer is closed. {@link #close()} is refused while a transfer on the buffer is in flight.
 *
 * <p>A transfer that was already in a device's ring when its engine had to be stopped without
 * the device being confirmed stopped (its reset failed, or a channel owner never came back)
 * ends ABORTED with a reason saying so, but keeps the buffer pinned and IOVA-mapped for good:
 * the device may still write it. Such a buffer can no longer be closed ({@link #close()} says
 * why); its memory is freed when the runtime closes, and not even then if the engine itself
 * could not be closed.
 */
public final class DmaBuffer implements DmaLocation, AutoCloseable {
    private final long id;
    private final MemorySegment segment;
    private final MemorySegment pages;
    private final boolean registered;
    private final ReleaseHandler<DmaBuffer> owner;
    private final InFlightGate gate = new InFlightGate();

    static {
        LocationInternals.register(new LocationAccess());
    }

    /**
     * Core use (pool, through {@link LocationInternals}): wraps memory the pool owns or registered.
     *
     * @param id the pool's number for the buffer, unique while it is open
     * @param pages   the whole pages backing the buffer (page-aligned address and length); this is
     *                what gets mapped into IOMMU domains
     * @param lengthBytes the client-visible length, at most {@code pages.byteSize()}
     * @param registered true for client memory added with {@code register} (not freed on close)
     * @param owner called when the buffer is closed, to give its pages back
     */
    DmaBuffer(long id, MemorySegment pages, long lengthBytes, boolean registered,
                     ReleaseHandler<DmaBuffer> owner) {
        Objects.requireNonNull(pages, "pages");
        if (lengthBytes <= 0 || lengthBytes > pages.byteSize()) {
            throw new IllegalArgumentException("lengthBytes " + lengthBytes + " must be in 1.." + pages.byteSize());
        }
        this.id = id;
        this.pages = pages;
        this.segment = pages.asSlice(0, lengthBytes);
        this.registered = registered;
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /**
     * The CPU view, exactly {@link #lengthBytes()} long. Do not use it after {@link #close()}.
     *
     * @return the buffer's memory
     */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public long lengthBytes() {
        return segment.byteSize();
    }

    @Override
    public LocationKind kind() {
        return LocationKind.HOST_MEMORY;
    }

    @Override
    public String name() {
        return (registered ? "registered#" : "buffer#") + id;
    }

    /**
     * Core use: the page-aligned pages behind this buffer, mapped into IOMMU domains as a whole.
     *
     * @return the backing pages
     */
    public MemorySegment pages() {
        return pages;
    }

    /**
     * True for client memory added with {@code register}; its memory is not freed on close.
     *
     * @return true for registered client memory
     */
    public boolean isRegistered() {
        return registered;
    }

    /**
     * The pool's number for this buffer (its name is {@code buffer#id}).
     *
     * @return the buffer's id
     */
    public long id() {
        return id;
    }

    /**
     * Core use: whether {@code handler} is the release path this buffer was created with (pool identity).
     *
     * @param handler a release handler
     * @return true if it is the same handler
     */
    public boolean isOwnedBy(ReleaseHandler<DmaBuffer> handler) {
        return owner == handler;
    }

    /**
     * Core use (through {@link LocationInternals}): the in-flight counter that blocks {@link #close()}.
     *
     * @return the buffer's gate
     */
    InFlightGate gate() {
        return gate;
    }

    /**
     * Whether {@link #close()} has closed the buffer.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return gate.isClosed();
    }

    /**
     * Returns the buffer to its pool (or unregisters client memory) after unmapping it from every
     * IOMMU domain.
     *
     * @throws IllegalStateException if a transfer on it is in flight, if it stays pinned because a
     *                               device that may still use it could not be stopped (see above), or if it was already closed
     *                               by its user (double free)
     */
    @Override
    public void close() {
        int result = gate.tryClose();
        if (result == -2) {
            owner.release(this); // the pool decides: no-op after pool close, double free otherwise
            return;
        }
        if (result >= 0) {
            throw gate.closeRefused(describe(), result);
        }
        owner.release(this);
    }

    @Override
    public String toString() {
        return describe();
    }
}
