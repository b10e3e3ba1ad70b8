package io.dmactl.testbed.uio;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.nvme.NvmeProvider;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/** The shared suite against the NVMe controller over UIO (physical addresses), polled (UIO has no MSI-X). */
@Tag("uio")
class UioNvmeConformanceTest extends DmaEngineConformanceTest {
    private static final int QUEUE_DEPTH = 16;

    @Override
    protected EngineFixture openFixture() {
        return UioEngineFixture.open(new NvmeProvider(), TestbedEnvironment.nvmePci(),
            Map.of(NvmeProvider.OPTION_QUEUE_DEPTH, Integer.toString(QUEUE_DEPTH), NvmeProvider.OPTION_CHANNELS, "1",
                NvmeProvider.OPTION_COMPLETION, "poll"));
    }

    @Override
    protected int maxOpsInFlight() {
        return QUEUE_DEPTH / 2;
    }

    @Override
    protected int largestOpBytes() {
        return 64 * 1024;
    }
}
