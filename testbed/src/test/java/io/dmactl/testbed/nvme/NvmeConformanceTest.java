package io.dmactl.testbed.nvme;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.nvme.NvmeProvider;
import io.dmactl.testbed.DeviceEngineFixture;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/**
 * The shared fast-path suite against the emulated NVMe controller in the guest, SQs in host
 * memory, polled. nvme has no MEM_TO_MEM, so every host copy of the suite is a round trip through
 * namespace 1 (Write, then a fenced Read); fill is skipped (NVMe has none).
 */
@Tag("testbed")
class NvmeConformanceTest extends DmaEngineConformanceTest {
    private static final int QUEUE_DEPTH = 64;

    @Override
    protected EngineFixture openFixture() {
        return DeviceEngineFixture.open(new NvmeProvider(), TestbedEnvironment.nvmeGroup(), TestbedEnvironment.nvmePci(),
            Map.of(NvmeProvider.OPTION_QUEUE_DEPTH, Integer.toString(QUEUE_DEPTH), NvmeProvider.OPTION_CHANNELS, "2",
                NvmeProvider.OPTION_COMPLETION, completion()));
    }

    /** The nvme.completion option: poll here. */
    protected String completion() {
        return "poll";
    }

    @Override
    protected int maxOpsInFlight() {
        return QUEUE_DEPTH / 2;
    }

    @Override
    protected int largestOpBytes() {
        return 256 * 1024;
    }
}
