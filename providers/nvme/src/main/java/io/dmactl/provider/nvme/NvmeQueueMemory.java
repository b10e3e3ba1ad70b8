package io.dmactl.provider.nvme;

import java.lang.foreign.MemorySegment;

/**
 * Where one I/O queue pair lives: the SQ (host memory or the CMB), the CQ (host memory: QEMU's CMB
 * holds no CQs), and one page per command id for its PRP list or Copy ranges. Both queues have
 * {@code capacity + 1} entries.
 *
 * @param submissionQueueAddress the SQ's address as the controller sees it (IOVA, or CMB address)
 */
record NvmeQueueMemory(int capacity, MemorySegment submissionQueue, long submissionQueueAddress,
                       MemorySegment completionQueue, long completionQueueIova, MemorySegment slotPages,
                       long slotPagesIova) {

    NvmeQueueMemory {
        int entries = capacity + 1;
        if (submissionQueue.byteSize() < (long) entries * NvmeRegisters.SQ_ENTRY_BYTES
            || completionQueue.byteSize() < (long) entries * NvmeRegisters.CQ_ENTRY_BYTES
            || slotPages.byteSize() < (long) capacity * NvmeRegisters.PAGE_BYTES) {
            throw new IllegalArgumentException("queue memory too small for " + capacity + " commands: SQ "
                + submissionQueue.byteSize() + ", CQ " + completionQueue.byteSize() + ", slot pages " + slotPages.byteSize());
        }
        if (((submissionQueueAddress | completionQueueIova | slotPagesIova) & (NvmeRegisters.PAGE_BYTES - 1)) != 0) {
            throw new IllegalArgumentException("queue addresses must be page aligned: SQ 0x" + Long.toHexString(submissionQueueAddress)
                + ", CQ 0x" + Long.toHexString(completionQueueIova) + ", slot pages 0x" + Long.toHexString(slotPagesIova));
        }
    }

    int queueEntries() {
        return capacity + 1;
    }
}
