package io.dmactl.core.internal;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.ReleaseHandler;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * How the core creates locations and reaches their in-flight gates: none of it is API (a client
 * that could build a buffer, or unpin or force-close a location, could free memory under a DMA in
 * flight). This package is not exported by the module {@code io.dmactl.core} (only to
 * {@code io.dmactl.cli}); on the class path it is reachable but is no API.
 */
public final class LocationInternals {

    /** Implemented in {@code io.dmactl.core.location}, registered when {@link DmaBuffer} is initialized. */
    public interface Access {
        /**
         * Backs {@link LocationInternals#newBuffer}.
         *
         * @param id          the pool's number for the buffer, unique while it is open
         * @param pages       the whole pages backing the buffer, page-aligned
         * @param lengthBytes the client-visible length, at most {@code pages.byteSize()}
         * @param registered  true for client memory added with {@code register} (not freed on close)
         * @param owner       called when the buffer is closed, to give its pages back
         * @return the new buffer
         */
        DmaBuffer newBuffer(long id, MemorySegment pages, long lengthBytes, boolean registered,
                            ReleaseHandler<DmaBuffer> owner);

        /**
         * Backs {@link LocationInternals#newWindow}.
         *
         * @param name          the window's name, for messages
         * @param device        the device it belongs to, e.g. a PCI address, for messages
         * @param segment       the mapped window, page-aligned in address and length
         * @param pageSizeBytes the page size the window's address and length are multiples of
         * @param owner         called when the window is closed, to unmap it
         * @return the new window
         */
        DeviceWindow newWindow(String name, String device, MemorySegment segment, long pageSizeBytes,
                               ReleaseHandler<DeviceWindow> owner);

        /**
         * Backs {@link LocationInternals#newPrivateSpace}.
         *
         * @param name             the space's name, unique per engine
         * @param ownerEngine      the name of the engine that owns the space
         * @param spaceId          the space number on the engine's fast path, 1 or more (0 is the bus space)
         * @param lengthBytes      the space's size in bytes, positive
         * @param granularityBytes offsets and lengths must be multiples of it; a power of two
         * @return the new space
         */
        DevicePrivateSpace newPrivateSpace(String name, String ownerEngine, int spaceId, long lengthBytes,
                                           int granularityBytes);

        /**
         * Backs {@link LocationInternals#gate(DmaBuffer)}.
         *
         * @param buffer a buffer
         * @return its in-flight gate
         */
        InFlightGate gate(DmaBuffer buffer);

        /**
         * Backs {@link LocationInternals#gate(DeviceWindow)}.
         *
         * @param window a window
         * @return its in-flight gate
         */
        InFlightGate gate(DeviceWindow window);

        /**
         * Backs {@link LocationInternals#forceClose}.
         *
         * @param window the window to detach
         */
        void forceClose(DeviceWindow window);
    }

    private static volatile Access access;

    private LocationInternals() {
    }

    /**
     * Called once, by {@link DmaBuffer}'s static initializer.
     *
     * @param implementation the location package's implementation
     * @throws IllegalStateException if one is already registered
     */
    public static void register(Access implementation) {
        if (access != null) {
            throw new IllegalStateException("LocationInternals already registered");
        }
        access = Objects.requireNonNull(implementation, "implementation");
    }

    private static Access access() {
        Access a = access;
        if (a == null) {
            try {
                Class.forName(DmaBuffer.class.getName(), true, DmaBuffer.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            a = access;
        }
        return a;
    }

    /**
     * Wraps memory the pool owns or registered.
     *
     * @param id          the pool's number for the buffer, unique while it is open
     * @param pages       the whole pages backing the buffer (page-aligned address and length); this is
     *                    what gets mapped into IOMMU domains
     * @param lengthBytes the client-visible length, at most {@code pages.byteSize()}
     * @param registered  true for client memory added with {@code register} (not freed on close)
     * @param owner       called when the buffer is closed, to give its pages back
     * @return the new buffer
     * @throws IllegalArgumentException if {@code lengthBytes} is not in {@code 1..pages.byteSize()}
     */
    public static DmaBuffer newBuffer(long id, MemorySegment pages, long lengthBytes, boolean registered,
                                      ReleaseHandler<DmaBuffer> owner) {
        return access().newBuffer(id, pages, lengthBytes, registered, owner);
    }

    /**
     * Wraps an already mapped window.
     *
     * @param name    the window's name, for messages
     * @param device  the device it belongs to, e.g. a PCI address, for messages
     * @param segment the mapped window; address and length must be multiples of {@code pageSizeBytes}
     * @param pageSizeBytes the page size the window's address and length are multiples of
     * @param owner   called when the window is closed, to unmap it
     * @return the new window
     */
    public static DeviceWindow newWindow(String name, String device, MemorySegment segment, long pageSizeBytes,
                                         ReleaseHandler<DeviceWindow> owner) {
        return access().newWindow(name, device, segment, pageSizeBytes, owner);
    }

    /**
     * A private space of an engine.
     *
     * @param name             the space's name, unique per engine, e.g. "buffer"
     * @param ownerEngine      the name of the engine that owns the space
     * @param spaceId          the space number the engine uses on its fast path, 1 or more (0 is the
     *                         bus space)
     * @param lengthBytes      the space's size in bytes, positive
     * @param granularityBytes offsets and lengths in this space must be multiples of it (1 for byte
     *                         addressed memory, the LBA size for a namespace); a power of two
     * @return the new space
     * @throws IllegalArgumentException if {@code spaceId} is below 1, the length is not positive or the
     *                                  granularity is not a power of two
     */
    public static DevicePrivateSpace newPrivateSpace(String name, String ownerEngine, int spaceId, long lengthBytes,
                                                     int granularityBytes) {
        return access().newPrivateSpace(name, ownerEngine, spaceId, lengthBytes, granularityBytes);
    }

    /**
     * The in-flight counter that blocks the buffer's close.
     *
     * @param buffer a buffer
     * @return its gate
     */
    public static InFlightGate gate(DmaBuffer buffer) {
        return access().gate(buffer);
    }

    /**
     * The in-flight counter that blocks the window's close.
     *
     * @param window a window
     * @return its gate
     */
    public static InFlightGate gate(DeviceWindow window) {
        return access().gate(window);
    }

    /**
     * Detaches the window even with transfers in flight, once the engines that ran them stopped.
     *
     * @param window the window to detach
     */
    public static void forceClose(DeviceWindow window) {
        access().forceClose(window);
    }
}
