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
        DmaBuffer newBuffer(long id, MemorySegment pages, long lengthBytes, boolean registered,
                            ReleaseHandler<DmaBuffer> owner);

        DeviceWindow newWindow(String name, String device, MemorySegment segment, long pageSizeBytes,
                               ReleaseHandler<DeviceWindow> owner);

        DevicePrivateSpace newPrivateSpace(String name, String ownerEngine, int spaceId, long lengthBytes,
                                           int granularityBytes);

        InFlightGate gate(DmaBuffer buffer);

        InFlightGate gate(DeviceWindow window);

        void forceClose(DeviceWindow window);
    }

    private static volatile Access access;

    private LocationInternals() {
    }

    /** Called once, by {@link DmaBuffer}'s static initializer. */
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
     * @param pages       the whole pages backing the buffer (page-aligned address and length); this is
     *                    what gets mapped into IOMMU domains
     * @param lengthBytes the client-visible length, at most {@code pages.byteSize()}
     */
    public static DmaBuffer newBuffer(long id, MemorySegment pages, long lengthBytes, boolean registered,
                                      ReleaseHandler<DmaBuffer> owner) {
        return access().newBuffer(id, pages, lengthBytes, registered, owner);
    }

    /**
     * Wraps an already mapped window.
     *
     * @param device  the device it belongs to, e.g. a PCI address, for messages
     * @param segment the mapped window; address and length must be multiples of {@code pageSizeBytes}
     */
    public static DeviceWindow newWindow(String name, String device, MemorySegment segment, long pageSizeBytes,
                                         ReleaseHandler<DeviceWindow> owner) {
        return access().newWindow(name, device, segment, pageSizeBytes, owner);
    }

    /**
     * A private space of an engine.
     *
     * @param granularityBytes offsets and lengths in this space must be multiples of it (1 for byte
     *                         addressed memory, the LBA size for a namespace); a power of two
     */
    public static DevicePrivateSpace newPrivateSpace(String name, String ownerEngine, int spaceId, long lengthBytes,
                                                     int granularityBytes) {
        return access().newPrivateSpace(name, ownerEngine, spaceId, lengthBytes, granularityBytes);
    }

    /** The in-flight counter that blocks the buffer's close. */
    public static InFlightGate gate(DmaBuffer buffer) {
        return access().gate(buffer);
    }

    /** The in-flight counter that blocks the window's close. */
    public static InFlightGate gate(DeviceWindow window) {
        return access().gate(window);
    }

    /** Detaches the window even with transfers in flight, once the engines that ran them stopped. */
    public static void forceClose(DeviceWindow window) {
        access().forceClose(window);
    }
}
