package io.dmactl.provider.cpu;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.conformance.ProviderFixture;

import java.util.Map;
import java.util.Optional;

/** The shared fast-path suite against the cpu engine (small ring so wrap-around and full rings are cheap). */
class CpuEngineConformanceTest extends DmaEngineConformanceTest {

    @Override
    protected EngineFixture openFixture() {
        return new ProviderFixture(new CpuProvider(), Optional.empty(), null,
            Map.of(CpuProvider.OPTION_RING_SIZE, "64", CpuProvider.OPTION_CHANNELS, "2"));
    }
}
