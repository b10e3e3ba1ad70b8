package io.dmactl.core.dispatch;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.spi.EngineCapabilities;

/** An engine as the dispatcher sees it. */
public interface DispatchCandidate {

    String engineName();

    String providerName();

    EngineCapabilities capabilities();

    /** Whether {@code space} was declared by this engine. */
    boolean owns(DevicePrivateSpace space);

    /** For IOVA engines: whether their IOMMU domain can map other devices' windows (peer to peer). */
    boolean domainMapsDeviceMemory();

    /** Ops queued or in flight on the engine, for balancing. */
    long outstandingOps();

    /** Why the engine cannot take work now (reset failed, closing), or null when it can. */
    String unavailableReason();
}
