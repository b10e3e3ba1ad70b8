package io.dmactl.core.sim;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.conformance.ProviderFixture;

import java.util.Map;
import java.util.Optional;

/**
 * The shared suite against a simulated device shaped like edu: no host-to-host copies (they and
 * host fills complete INVALID), a 4095-byte private memory, a 4-slot ring, and the lean op counts
 * a slow device uses. Every host copy of the suite therefore round-trips through the private
 * memory, here on a device that also reorders completions.
 */
class PrivateOnlySimEngineConformanceTest extends DmaEngineConformanceTest {

    @Override
    protected EngineFixture openFixture() {
        SimConfig config = SimConfig.defaults().withMemToMem(false).withPrivateSpaceBytes(4095).withMaxTransferBytes(4095)
            .withRingSize(4).withChannels(1);
        return new ProviderFixture(new SimProvider(config, new SimControl()), Optional.empty(),
            new FakeIommuDomain("fake-iommu"), Map.of());
    }

    @Override
    protected int maxOpsInFlight() {
        return 4;
    }

    @Override
    protected int ringWraps() {
        return 2;
    }
}
