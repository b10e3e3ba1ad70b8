package io.dmactl.core.dispatch;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.spi.EngineCapabilities;

/** An engine as the dispatcher sees it. */
public interface DispatchCandidate {

    /**
     * The engine's name.
     *
     * @return the name
     */
    String engineName();

    /**
     * The name of the provider that opened the engine.
     *
     * @return the name
     */
    String providerName();

    /**
     * What the engine declared.
     *
     * @return the capabilities
     */
    EngineCapabilities capabilities();

    /**
     * Whether {@code space} was declared by this engine.
     *
     * @param space a private space
     * @return true if declared by this engine
     */
    boolean owns(DevicePrivateSpace space);

    /**
     * For IOVA engines: whether their IOMMU domain can map other devices' windows (peer to peer).
     *
     * @return true if it can
     */
    boolean domainMapsDeviceMemory();

    /**
     * Ops queued or in flight on the engine, for balancing.
     *
     * @return the count
     */
    long outstandingOps();

    /**
     * Why the engine cannot take work now (reset failed, closing), or null when it can.
     *
     * @return the reason, or null
     */
    String unavailableReason();
}
