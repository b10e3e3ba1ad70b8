package io.dmactl.provider.nvme;

import io.dmactl.vfio.pci.MmioRegisters;

import java.lang.foreign.MemorySegment;

import static io.dmactl.provider.nvme.NvmeRegisters.AQA;
import static io.dmactl.provider.nvme.NvmeRegisters.ACQ;
import static io.dmactl.provider.nvme.NvmeRegisters.ASQ;
import static io.dmactl.provider.nvme.NvmeRegisters.CAP;
import static io.dmactl.provider.nvme.NvmeRegisters.CC;
import static io.dmactl.provider.nvme.NvmeRegisters.CSTS;
import static io.dmactl.provider.nvme.NvmeRegisters.CSTS_CFS;
import static io.dmactl.provider.nvme.NvmeRegisters.CSTS_RDY;

/**
 * The controller's control path: enable and disable (NVMe 1.4, 7.6.1 "Initialization" and 7.3.2
 * "Controller Level Reset"), admin commands for Identify, Set Features Number of Queues and the
 * creation of I/O queue pairs (5.3, 5.4, 5.15, 5.21.1.7). Not used on the I/O path.
 */
final class NvmeController {
    private static final int CNS_NAMESPACE = 0x00;
    private static final int CNS_CONTROLLER = 0x01;
    private static final int FEATURE_NUMBER_OF_QUEUES = 0x07;

    private final MmioRegisters registers;
    private final long cap;
    private final long readyTimeoutNanos;
    private final long commandTimeoutNanos;
    private final AdminQueue admin;
    private final long adminSqIova;
    private final long adminCqIova;
    private final MemorySegment identifyPage;
    private final long identifyIova;

    /**
     * @param adminMemory three pages: admin SQ, admin CQ, identify data
     * @param adminIova   their bus address
     */
    NvmeController(MmioRegisters registers, MemorySegment adminMemory, long adminIova, long commandTimeoutNanos) {
        this.registers = registers;
        this.cap = registers.read64AsHalves(CAP);
        if (!NvmeRegisters.capNvmCommandSet(cap)) {
            throw new IllegalStateException(registers.subject() + ": CAP 0x" + Long.toHexString(cap) + " offers no NVM command set");
        }
        if (NvmeRegisters.capMpsMin(cap) != 0) {
            throw new IllegalStateException(registers.subject() + ": CAP.MPSMIN " + NvmeRegisters.capMpsMin(cap)
                + " excludes 4 KiB pages, which this driver uses");
        }
        // CAP.TO is the worst case for CSTS.RDY to change; add the configured margin.
        this.readyTimeoutNanos = NvmeRegisters.capTimeout500ms(cap) * 500_000_000L + commandTimeoutNanos;
        this.commandTimeoutNanos = commandTimeoutNanos;
        int page = NvmeRegisters.PAGE_BYTES;
        this.admin = new AdminQueue(registers, doorbellStride(), adminMemory.asSlice(0, page), adminMemory.asSlice(page, page));
        this.adminSqIova = adminIova;
        this.adminCqIova = adminIova + page;
        this.identifyPage = adminMemory.asSlice(2L * page, page);
        this.identifyIova = adminIova + 2L * page;
    }

    long cap() {
        return cap;
    }

    int doorbellStride() {
        return NvmeRegisters.capDoorbellStride(cap);
    }

    /** MQES + 1: the most entries an I/O queue may have. */
    int maxQueueEntries() {
        return NvmeRegisters.capMqes(cap) + 1;
    }

    MmioRegisters registers() {
        return registers;
    }

    /**
     * CC.EN = 0, then waits for CSTS.RDY = 0 (7.6.1 step 1). The controller drops every queue and
     * stops touching host memory for them.
     */
    void disable() {
        int cc = registers.read32(CC);
        if ((cc & NvmeRegisters.CC_EN) != 0) {
            registers.write32(CC, cc & ~NvmeRegisters.CC_EN);
        }
        if (!registers.await32(CSTS, CSTS_RDY, 0, readyTimeoutNanos)) {
            throw new IllegalStateException(registers.subject() + ": CSTS.RDY stayed 1 for " + readyTimeoutNanos / 1_000_000
                + " ms after CC.EN was cleared (CSTS 0x" + Integer.toHexString(registers.read32(CSTS)) + ")");
        }
    }

    /**
     * Admin queues (AQA, ASQ, ACQ), then CC with 4 KiB pages, the NVM command set, 64-byte SQ and
     * 16-byte CQ entries and EN = 1; waits for CSTS.RDY = 1 (7.6.1 steps 2-6).
     */
    void enable() {
        admin.restart();
        int entries0 = AdminQueue.ENTRIES - 1; // 0's based
        registers.write32(AQA, entries0 << 16 | entries0);
        registers.write64AsHalves(ASQ, adminSqIova);
        registers.write64AsHalves(ACQ, adminCqIova);
        int cc = NvmeRegisters.CC_CSS_NVM | NvmeRegisters.CC_MPS_4K | NvmeRegisters.CC_AMS_ROUND_ROBIN
            | NvmeRegisters.CC_IOSQES_64 | NvmeRegisters.CC_IOCQES_16;
        registers.write32(CC, cc);
        registers.write32(CC, cc | NvmeRegisters.CC_EN);
        // Wait for RDY or CFS, whichever comes first: a fatal controller never becomes ready.
        boolean settled = registers.awaitAnySet32(CSTS, CSTS_RDY | CSTS_CFS, readyTimeoutNanos);
        int csts = registers.read32(CSTS);
        if ((csts & CSTS_CFS) != 0) {
            throw new IllegalStateException(registers.subject() + ": controller fatal status (CSTS.CFS) while enabling (CSTS 0x"
                + Integer.toHexString(csts) + ")");
        }
        if (!settled || (csts & CSTS_RDY) == 0) {
            throw new IllegalStateException(registers.subject() + ": CSTS.RDY did not become 1 within " + readyTimeoutNanos / 1_000_000
                + " ms of CC.EN = 1 (CSTS 0x" + Integer.toHexString(csts) + ")");
        }
    }

    /** CSTS.CFS: the controller hit a fatal error and needs a reset. */
    boolean fatalStatus() {
        return (registers.read32(CSTS) & CSTS_CFS) != 0;
    }

    ControllerIdentity identifyController() {
        admin.execute("Identify Controller", SubmissionEntry.ADMIN_IDENTIFY, 0, identifyIova, CNS_CONTROLLER, 0,
            commandTimeoutNanos);
        return ControllerIdentity.parse(identifyPage, NvmeRegisters.PAGE_BYTES);
    }

    NvmeNamespace identifyNamespace(int nsid, boolean controllerCopy) {
        admin.execute("Identify Namespace " + nsid, SubmissionEntry.ADMIN_IDENTIFY, nsid, identifyIova, CNS_NAMESPACE, 0,
            commandTimeoutNanos);
        return NvmeNamespace.parse(nsid, identifyPage, controllerCopy);
    }

    /**
     * Set Features, Number of Queues (5.21.1.7): asks for {@code pairs} I/O SQs and CQs.
     *
     * @return how many pairs the controller granted (the smaller of NSQA and NCQA, plus one)
     */
    int requestQueuePairs(int pairs) {
        int dw0 = admin.execute("Set Features Number of Queues", SubmissionEntry.ADMIN_SET_FEATURES, 0, 0,
            FEATURE_NUMBER_OF_QUEUES, (pairs - 1) << 16 | (pairs - 1), commandTimeoutNanos);
        return Math.min(dw0 & 0xffff, dw0 >>> 16) + 1;
    }

    /**
     * Create I/O Completion Queue then Create I/O Submission Queue (5.3, 5.4), both physically
     * contiguous, with queue id {@code qid}; the CQ is zeroed first (phase tags 0).
     *
     * @param vector the MSI-X vector of the CQ, or -1 for none (polled)
     */
    void createQueuePair(int qid, NvmeQueueMemory memory, int vector) {
        memory.completionQueue().fill((byte) 0);
        int size0 = memory.queueEntries() - 1;
        int cqFlags = 1 | (vector >= 0 ? 1 << 1 | vector << 16 : 0); // PC, IEN, IV
        admin.execute("Create I/O Completion Queue " + qid, SubmissionEntry.ADMIN_CREATE_CQ, 0, memory.completionQueueIova(),
            size0 << 16 | qid, cqFlags, commandTimeoutNanos);
        admin.execute("Create I/O Submission Queue " + qid, SubmissionEntry.ADMIN_CREATE_SQ, 0, memory.submissionQueueAddress(),
            size0 << 16 | qid, qid << 16 | 1, commandTimeoutNanos); // CQID, PC
    }
}
