package io.dmactl.core.sim;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.conformance.ProviderFixture;

import java.util.Map;
import java.util.Optional;

/** The shared suite against the simulated ring device (reordering on, interrupts on, 28-bit mask). */
class SimEngineConformanceTest extends DmaEngineConformanceTest {

    @Override
    protected EngineFixture openFixture() {
        SimConfig config = SimConfig.defaults().withRingSize(32).withDmaMaskBits(28);
        return new ProviderFixture(new SimProvider(config, new SimControl()), Optional.empty(),
            new FakeIommuDomain("fake-iommu"), Map.of());
    }
}
