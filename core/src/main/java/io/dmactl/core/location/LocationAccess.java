package io.dmactl.core.location;

import io.dmactl.core.internal.InFlightGate;
import io.dmactl.core.internal.LocationInternals;

import java.lang.foreign.MemorySegment;

/** The core's way to create locations and reach their gates ({@link LocationInternals}); registered by {@link DmaBuffer}. */
final class LocationAccess implements LocationInternals.Access {

    @Override
    public DmaBuffer newBuffer(long id, MemorySegment pages, long lengthBytes, boolean registered,
                               ReleaseHandler<DmaBuffer> owner) {
        return new DmaBuffer(id, pages, lengthBytes, registered, owner);
    }

    @Override
    public DeviceWindow newWindow(String name, String device, MemorySegment segment, long pageSizeBytes,
                                  ReleaseHandler<DeviceWindow> owner) {
        return new DeviceWindow(name, device, segment, pageSizeBytes, owner);
    }

    @Override
    public DevicePrivateSpace newPrivateSpace(String name, String ownerEngine, int spaceId, long lengthBytes,
                                              int granularityBytes) {
        return new DevicePrivateSpace(name, ownerEngine, spaceId, lengthBytes, granularityBytes);
    }

    @Override
    public InFlightGate gate(DmaBuffer buffer) {
        return buffer.gate();
    }

    @Override
    public InFlightGate gate(DeviceWindow window) {
        return window.gate();
    }

    @Override
    public void forceClose(DeviceWindow window) {
        window.forceClose();
    }
}
