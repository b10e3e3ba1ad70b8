package io.dmactl.provider.dsa;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.dsa.model.DsaDeviceModel;
import io.dmactl.provider.dsa.model.DsaModelFixture;
import org.junit.jupiter.api.AfterEach;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The core's shared suite on the dsa provider over the device model: cdev path, two dedicated queues, batches on. */
class DsaModelConformanceTest extends DmaEngineConformanceTest {
    private DsaModelFixture model;

    @Override
    protected EngineFixture openFixture() {
        model = new DsaModelFixture(DsaDeviceModel.Config.defaults(), 2, Map.of(DsaProvider.OPTION_RING_SIZE, "64"));
        return model;
    }

    @AfterEach
    void noViolations() {
        assertEquals(java.util.List.of(), model.violations());
    }
}
