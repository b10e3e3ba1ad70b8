package io.dmactl.provider.dsa;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.dsa.model.DsaDeviceModel;
import io.dmactl.provider.dsa.model.DsaModelFixture;

import java.util.Map;

/** The core's shared suite again: one shared queue of 16 entries (EAGAIN when full), batches off, 128 KiB transfers. */
class DsaModelUnbatchedConformanceTest extends DmaEngineConformanceTest {

    @Override
    protected EngineFixture openFixture() {
        return new DsaModelFixture(DsaDeviceModel.Config.defaults().shared().withSize(16).withMaxTransferBytes(128 << 10), 1,
            Map.of(DsaProvider.OPTION_RING_SIZE, "64", DsaProvider.OPTION_BATCH, "0"));
    }
}
