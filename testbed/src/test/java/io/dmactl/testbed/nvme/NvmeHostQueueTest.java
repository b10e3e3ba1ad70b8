package io.dmactl.testbed.nvme;

import org.junit.jupiter.api.Tag;

/** The nvme contract with I/O submission queues in host DMA memory. */
@Tag("testbed")
class NvmeHostQueueTest extends NvmeRuntimeContract {
    static final long HANDOFF_OFFSET = (40L << 20) + 4096 * 3;

    @Override
    String submissionQueue() {
        return "host";
    }

    @Override
    long handoffOffset() {
        return HANDOFF_OFFSET;
    }
}
