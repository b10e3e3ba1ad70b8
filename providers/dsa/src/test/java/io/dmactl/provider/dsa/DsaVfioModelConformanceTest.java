package io.dmactl.provider.dsa;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.dsa.model.DsaVfioModelFixture;
import org.junit.jupiter.api.AfterEach;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The core's shared suite on the vfio path over the register-file model: two dedicated queues of 32, portal stores, batches. */
class DsaVfioModelConformanceTest extends DmaEngineConformanceTest {
    private DsaVfioModelFixture model;

    @Override
    protected EngineFixture openFixture() {
        model = new DsaVfioModelFixture(Map.of(DsaVfioProvider.OPTION_CHANNELS, "2"));
        return model;
    }

    @AfterEach
    void noViolations() {
        assertEquals(List.of(), model.model().violations());
    }
}
