package io.dmactl.provider.nvme;

/**
 * The controller registers in BAR0, named as in the NVM Express Base Specification 1.4, section
 * 3.1 "Register Definition" (figure 78), with the fields this driver uses.
 *
 * <pre>
 *   0x00  CAP     64  Controller Capabilities (3.1.1)
 *   0x08  VS      32  Version (3.1.2)
 *   0x0C  INTMS   32  Interrupt Mask Set (3.1.3)
 *   0x10  INTMC   32  Interrupt Mask Clear (3.1.4)
 *   0x14  CC      32  Controller Configuration (3.1.5)
 *   0x1C  CSTS    32  Controller Status (3.1.6)
 *   0x24  AQA     32  Admin Queue Attributes (3.1.8)
 *   0x28  ASQ     64  Admin Submission Queue Base Address (3.1.9)
 *   0x30  ACQ     64  Admin Completion Queue Base Address (3.1.10)
 *   0x38  CMBLOC  32  Controller Memory Buffer Location (3.1.11)
 *   0x3C  CMBSZ   32  Controller Memory Buffer Size (3.1.12)
 *   0x50  CMBMSC  64  Controller Memory Buffer Memory Space Control (3.1.15)
 *   0x1000 + (2y) * (4 &lt;&lt; CAP.DSTRD)      SQyTDBL  Submission Queue y Tail Doorbell (3.1.24)
 *   0x1000 + (2y + 1) * (4 &lt;&lt; CAP.DSTRD)  CQyHDBL  Completion Queue y Head Doorbell (3.1.25)
 * </pre>
 *
 * 64-bit registers are accessed as two 32-bit halves, low first (3.1: "software may access 64-bit
 * registers as two 32-bit accesses").
 */
final class NvmeRegisters {
    static final long CAP = 0x00;
    static final long VS = 0x08;
    static final long INTMS = 0x0C;
    static final long INTMC = 0x10;
    static final long CC = 0x14;
    static final long CSTS = 0x1C;
    static final long AQA = 0x24;
    static final long ASQ = 0x28;
    static final long ACQ = 0x30;
    static final long CMBLOC = 0x38;
    static final long CMBSZ = 0x3C;
    static final long CMBMSC = 0x50;
    static final long DOORBELLS = 0x1000;

    // CAP fields (3.1.1)
    static int capMqes(long cap) {
        return (int) (cap & 0xffff); // Maximum Queue Entries Supported, 0's based
    }

    static int capTimeout500ms(long cap) {
        return (int) ((cap >>> 24) & 0xff); // TO: worst-case time for CSTS.RDY to change, 500 ms units
    }

    static int capDoorbellStride(long cap) {
        return (int) ((cap >>> 32) & 0xf); // DSTRD: doorbell stride is 4 << DSTRD bytes
    }

    static boolean capNvmCommandSet(long cap) {
        return ((cap >>> 37) & 1) != 0; // CSS bit 0: NVM command set
    }

    static int capMpsMin(long cap) {
        return (int) ((cap >>> 48) & 0xf); // memory page size minimum: 2^(12 + MPSMIN)
    }

    static boolean capCmbs(long cap) {
        return ((cap >>> 57) & 1) != 0; // CMBS: CMBLOC/CMBSZ need CMBMSC.CRE before they read non-zero
    }

    // CC fields (3.1.5)
    static final int CC_EN = 1;
    static final int CC_CSS_NVM = 0 << 4;
    static final int CC_MPS_4K = 0 << 7;
    static final int CC_AMS_ROUND_ROBIN = 0 << 11;
    static final int CC_IOSQES_64 = 6 << 16;
    static final int CC_IOCQES_16 = 4 << 20;

    // CSTS fields (3.1.6)
    static final int CSTS_RDY = 1;
    static final int CSTS_CFS = 1 << 1;

    // CMBSZ fields (3.1.12)
    static final int CMBSZ_SQS = 1;

    static long cmbSizeUnitBytes(int cmbsz) {
        return 1L << (12 + 4 * ((cmbsz >>> 8) & 0xf)); // SZU: 4 KiB * 16^SZU
    }

    static long cmbSizeBytes(int cmbsz) {
        return ((cmbsz & 0xffff_ffffL) >>> 12) * cmbSizeUnitBytes(cmbsz);
    }

    // CMBLOC fields (3.1.11)
    static int cmbBar(int cmbloc) {
        return cmbloc & 0x7; // BIR
    }

    static long cmbOffsetBytes(int cmbloc, int cmbsz) {
        return ((cmbloc & 0xffff_ffffL) >>> 12) * cmbSizeUnitBytes(cmbsz); // OFST in SZU units
    }

    // CMBMSC fields (3.1.15)
    static final long CMBMSC_CRE = 1;
    static final long CMBMSC_CMSE = 1 << 1;

    /** Controller page size this driver programs (CC.MPS = 0) and assumes for PRPs. */
    static final int PAGE_BYTES = 4096;
    static final int SQ_ENTRY_BYTES = 64;
    static final int CQ_ENTRY_BYTES = 16;

    private NvmeRegisters() {
    }

    /** Offset of the submission queue tail doorbell of queue {@code qid}. */
    static long sqTailDoorbell(int qid, int stride) {
        return DOORBELLS + (2L * qid) * (4L << stride);
    }

    /** Offset of the completion queue head doorbell of queue {@code qid}. */
    static long cqHeadDoorbell(int qid, int stride) {
        return DOORBELLS + (2L * qid + 1) * (4L << stride);
    }
}
