package io.dmactl.testbed.nvme;

import io.dmactl.testbed.TestbedEnvironment;

/** What the nvme testbed tests share beyond {@link TestbedEnvironment}: waits, block size, names. */
final class NvmeTestbed {
    static final long WAIT_SECONDS = 60;
    /** The testbed namespace's logical block size: QEMU's nvme-ns default, which testbed-run keeps. */
    static final int BLOCK_BYTES = 512;

    private NvmeTestbed() {
    }

    /** The runtime's name for the testbed's nvme engine. */
    static String engineName() {
        return "nvme@" + TestbedEnvironment.nvmePci();
    }
}
