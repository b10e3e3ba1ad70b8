package io.dmactl.testbed.edu;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.edu.EduProvider;
import io.dmactl.testbed.DeviceEngineFixture;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/**
 * The shared fast-path suite against the real edu device in the guest, completion by MSI. edu has
 * no MEM_TO_MEM, so every host copy of the suite is a round trip through its 4 KiB buffer; fill is
 * skipped (edu has none). At ~100 ms per DMA the suite runs lean: a 4-slot ring (option
 * {@code edu.ringSize}), at most 4 ops in flight, two trips around the ring: about 60 DMAs.
 */
@Tag("testbed")
class EduConformanceTest extends DmaEngineConformanceTest {
    private static final int RING_SIZE = 4;

    @Override
    protected EngineFixture openFixture() {
        return DeviceEngineFixture.open(new EduProvider(), TestbedEnvironment.eduGroup(), TestbedEnvironment.eduPci(),
            Map.of(EduProvider.OPTION_COMPLETION, "msi", EduProvider.OPTION_RING_SIZE, Integer.toString(RING_SIZE)));
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
        return EduTestbed.EDU_BUFFER_BYTES;
    }
}
