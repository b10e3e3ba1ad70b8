package io.dmactl.testbed.uio;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.edu.EduProvider;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/** The shared suite against edu over UIO (physical addresses), polled: as EduConformanceTest, lean. */
@Tag("uio")
class UioEduConformanceTest extends DmaEngineConformanceTest {
    private static final int RING_SIZE = 4;

    @Override
    protected EngineFixture openFixture() {
        return UioEngineFixture.open(new EduProvider(), TestbedEnvironment.eduPci(),
            Map.of(EduProvider.OPTION_COMPLETION, "poll", EduProvider.OPTION_RING_SIZE, Integer.toString(RING_SIZE)));
    }

    @Override
    protected int maxOpsInFlight() {
        return RING_SIZE;
    }

    @Override
    protected int ringWraps() {
        return 2;
    }

    @Override
    protected int largestOpBytes() {
        return 4095;
    }
}
