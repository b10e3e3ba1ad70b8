package io.dmactl.provider.nvme;

import io.dmactl.vfio.pci.MmioRegisters;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

import static io.dmactl.provider.nvme.NvmeRegisters.CQ_ENTRY_BYTES;
import static io.dmactl.provider.nvme.NvmeRegisters.SQ_ENTRY_BYTES;

/**
 * The admin queue pair (queue 0), control path only: one command at a time, each waited for with a
 * timeout by polling the phase tag (the admin CQ's interrupt is not used).
 */
final class AdminQueue {
    static final int ENTRIES = 16;
    private static final VarHandle CQ_DWORD = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final long POLL_PAUSE_NANOS = 20_000;

    private final MmioRegisters registers;
    private final MmioRegisters sq;
    private final MemorySegment cq;
    private final long sqTailDoorbell;
    private final long cqHeadDoorbell;
    private int sqTail;
    private int cqHead;
    private int phase;
    private int nextCid;

    AdminQueue(MmioRegisters registers, int doorbellStride, MemorySegment sq, MemorySegment cq) {
        this.registers = registers;
        this.sq = new MmioRegisters(sq, "nvme admin SQ", registers.pollPauseNanos()); // written like device memory, see SubmissionEntry
        this.cq = cq;
        this.sqTailDoorbell = NvmeRegisters.sqTailDoorbell(0, doorbellStride);
        this.cqHeadDoorbell = NvmeRegisters.cqHeadDoorbell(0, doorbellStride);
        restart();
    }

    /** After a controller reset: empty queues, phase 1, the CQ zeroed. */
    void restart() {
        sqTail = 0;
        cqHead = 0;
        phase = 1;
        cq.asSlice(0, (long) ENTRIES * CQ_ENTRY_BYTES).fill((byte) 0);
    }

    /**
     * Submits one admin command and waits for its completion.
     *
     * @return the completion's DW0
     * @throws NvmeCommandException naming the command and the status if it failed
     * @throws IllegalStateException if no completion came within {@code timeoutNanos}
     */
    int execute(String what, int opcode, int nsid, long prp1, int cdw10, int cdw11, long timeoutNanos) {
        int cid = nextCid++ & 0xffff;
        SubmissionEntry.write(sq, (long) sqTail * SQ_ENTRY_BYTES, opcode, cid, nsid, prp1, 0, cdw10, cdw11, 0, 0);
        sqTail = (sqTail + 1) % ENTRIES;
        registers.write32Release(sqTailDoorbell, sqTail); // the entry is written before the tail moves
        long start = System.nanoTime();
        long entry = (long) cqHead * CQ_ENTRY_BYTES;
        while (true) {
            int dword = (int) CQ_DWORD.getAcquire(cq, entry + CompletionEntry.CID_AND_STATUS);
            int status16 = dword >>> 16;
            if (CompletionEntry.phase(status16) == phase) {
                int dw0 = cq.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), entry + CompletionEntry.DW0);
                if (++cqHead == ENTRIES) {
                    cqHead = 0;
                    phase ^= 1;
                }
                registers.write32Release(cqHeadDoorbell, cqHead);
                int code = CompletionEntry.statusCode(status16);
                if ((dword & 0xffff) != cid) {
                    throw new IllegalStateException(registers.subject() + ": admin completion for cid " + (dword & 0xffff)
                        + " while waiting for " + what + " (cid " + cid + ")");
                }
                if (code != NvmeStatus.SUCCESS) {
                    throw new NvmeCommandException(registers.subject() + ": " + what + " failed with " + NvmeStatus.describe(code), code);
                }
                return dw0;
            }
            if (System.nanoTime() - start > timeoutNanos) {
                throw new IllegalStateException(registers.subject() + ": " + what + " did not complete within "
                    + timeoutNanos / 1_000_000 + " ms (CSTS 0x" + Integer.toHexString(registers.read32(NvmeRegisters.CSTS)) + ")");
            }
            LockSupport.parkNanos(POLL_PAUSE_NANOS);
        }
    }
}
