package io.dmactl.core.sim;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.conformance.ProviderFixture;

import java.util.Map;
import java.util.Optional;

/** The shared suite against the simulated device without interrupts, 64-byte alignment, one channel. */
class PollingSimEngineConformanceTest extends DmaEngineConformanceTest {

    @Override
    protected EngineFixture openFixture() {
        SimConfig config = SimConfig.defaults().withInterrupts(false).withAlignmentBytes(64).withChannels(1).withRingSize(16);
        return new ProviderFixture(new SimProvider(config, new SimControl()), Optional.empty(),
            new FakeIommuDomain("fake-iommu"), Map.of());
    }
}
