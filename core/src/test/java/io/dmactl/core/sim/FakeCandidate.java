package io.dmactl.core.sim;

import io.dmactl.core.dispatch.DispatchCandidate;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.spi.EngineCapabilities;

/**
 * An engine as the dispatcher sees it, with every answer fixed: for testing what the dispatcher
 * chooses and refuses from capabilities alone, with no engine behind it.
 *
 * @param own                    the one private space this engine declared, or null
 * @param domainMapsDeviceMemory whether its IOMMU domain maps other devices' windows (peer to peer)
 * @param outstandingOps         its load, for balancing
 * @param unavailableReason      why it takes no work, or null
 */
public record FakeCandidate(String engineName, EngineCapabilities capabilities, DevicePrivateSpace own,
                            boolean domainMapsDeviceMemory, long outstandingOps, String unavailableReason)
    implements DispatchCandidate {

    /** An available engine. */
    public FakeCandidate(String engineName, EngineCapabilities capabilities, DevicePrivateSpace own,
                         boolean domainMapsDeviceMemory, long outstandingOps) {
        this(engineName, capabilities, own, domainMapsDeviceMemory, outstandingOps, null);
    }

    /** "nvme" for "nvme@0000:00:04.0", as the runtime names device engines. */
    @Override
    public String providerName() {
        int at = engineName.indexOf('@');
        return at < 0 ? engineName : engineName.substring(0, at);
    }

    @Override
    public boolean owns(DevicePrivateSpace space) {
        return space != null && space == own;
    }
}
