package io.dmactl.provider.ioat;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.ioat.model.IoatDeviceModel;
import io.dmactl.provider.ioat.model.IoatModelFixture;

import java.util.Map;

/**
 * The shared suite again with polled completion, a small ring (many wraps), 4 KiB XFERCAP and a
 * function without FILL_BLOCK (the fill test is skipped: the engine does not declare FILL).
 */
class IoatModelPollingConformanceTest extends DmaEngineConformanceTest {

    @Override
    protected EngineFixture openFixture() {
        IoatDeviceModel.Config config = IoatDeviceModel.Config.defaults().withChannels(2).withXfercapLog(12).withDmaCapability(0);
        return new IoatModelFixture(config, Map.of(IoatProvider.OPTION_COMPLETION, "poll", IoatProvider.OPTION_RING_SIZE, "8"));
    }
}
