package io.dmactl.provider.dsa;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.dsa.model.DsaVfioModelFixture;

import java.util.Map;

/** The core's shared suite on the vfio path over the register-file model: one queue, polled completion, batches off. */
class DsaVfioModelPollingConformanceTest extends DmaEngineConformanceTest {

    @Override
    protected EngineFixture openFixture() {
        return new DsaVfioModelFixture(Map.of(DsaVfioProvider.OPTION_COMPLETION, "poll", DsaProvider.OPTION_BATCH, "0"));
    }
}
