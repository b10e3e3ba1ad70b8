package io.dmactl.testbed.nvme;

import org.junit.jupiter.api.Tag;

/** The nvme contract with I/O submission queues in the controller memory buffer (mapped MMIO rings). */
@Tag("testbed")
class NvmeCmbQueueTest extends NvmeRuntimeContract {
    static final long HANDOFF_OFFSET = (44L << 20) + 512 * 7;

    @Override
    String submissionQueue() {
        return "cmb";
    }

    @Override
    long handoffOffset() {
        return HANDOFF_OFFSET;
    }
}
