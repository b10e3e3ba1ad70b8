package io.dmactl.testbed.edu;

import io.dmactl.testbed.TestbedEnvironment;

/** What the edu testbed tests share beyond {@link TestbedEnvironment}: edu's limits and names. */
final class EduTestbed {
    /** ivshmem-plain's shared memory BAR (host file backed). */
    static final int IVSHMEM_BAR = 2;
    /** The edu device buffer as the provider declares it (QEMU 7.2: the last byte is never DMA'd). */
    static final int EDU_BUFFER_BYTES = 4095;
    /** edu emits 28-bit DMA addresses. */
    static final long EDU_DMA_LIMIT = 1L << 28;
    static final long DMA_WAIT_SECONDS = 20;

    private EduTestbed() {
    }

    /** The runtime's name for the testbed's edu engine. */
    static String eduEngine() {
        return "edu@" + TestbedEnvironment.eduPci();
    }
}
