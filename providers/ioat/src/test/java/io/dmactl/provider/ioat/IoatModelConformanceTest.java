package io.dmactl.provider.ioat;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.ioat.model.IoatDeviceModel;
import io.dmactl.provider.ioat.model.IoatModelFixture;

import java.util.Map;

/** The core's shared suite on the ioat provider over the device model: MSI-X completion, 4 channels, fill. */
class IoatModelConformanceTest extends DmaEngineConformanceTest {

    @Override
    protected EngineFixture openFixture() {
        return new IoatModelFixture(IoatDeviceModel.Config.defaults(), Map.of(IoatProvider.OPTION_RING_SIZE, "64"));
    }
}
