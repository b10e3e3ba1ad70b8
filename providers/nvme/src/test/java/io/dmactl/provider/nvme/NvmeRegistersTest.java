package io.dmactl.provider.nvme;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Register offsets and fields against NVMe 1.4, 3.1 (figure 78), transcribed here as data. */
class NvmeRegistersTest {
    private record SpecRegister(long offset, String name, long constant) {
    }

    private static final SpecRegister[] SPEC_TABLE = {
        new SpecRegister(0x00, "CAP Controller Capabilities", NvmeRegisters.CAP),
        new SpecRegister(0x08, "VS Version", NvmeRegisters.VS),
        new SpecRegister(0x0C, "INTMS Interrupt Mask Set", NvmeRegisters.INTMS),
        new SpecRegister(0x10, "INTMC Interrupt Mask Clear", NvmeRegisters.INTMC),
        new SpecRegister(0x14, "CC Controller Configuration", NvmeRegisters.CC),
        new SpecRegister(0x1C, "CSTS Controller Status", NvmeRegisters.CSTS),
        new SpecRegister(0x24, "AQA Admin Queue Attributes", NvmeRegisters.AQA),
        new SpecRegister(0x28, "ASQ Admin Submission Queue Base Address", NvmeRegisters.ASQ),
        new SpecRegister(0x30, "ACQ Admin Completion Queue Base Address", NvmeRegisters.ACQ),
        new SpecRegister(0x38, "CMBLOC Controller Memory Buffer Location", NvmeRegisters.CMBLOC),
        new SpecRegister(0x3C, "CMBSZ Controller Memory Buffer Size", NvmeRegisters.CMBSZ),
        new SpecRegister(0x50, "CMBMSC Controller Memory Buffer Memory Space Control", NvmeRegisters.CMBMSC),
        new SpecRegister(0x1000, "SQ0TDBL Submission Queue 0 Tail Doorbell", NvmeRegisters.sqTailDoorbell(0, 0)),
    };

    @Test
    void offsetsMatchTheSpecTable() {
        for (SpecRegister r : SPEC_TABLE) {
            assertEquals(r.offset(), r.constant(), r.name());
        }
    }

    @Test
    void doorbellsFollowTheStride() {
        // 3.1.24/25: SQyTDBL at 1000h + (2y * (4 << DSTRD)), CQyHDBL at 1000h + ((2y + 1) * (4 << DSTRD)).
        assertEquals(0x1004, NvmeRegisters.cqHeadDoorbell(0, 0));
        assertEquals(0x1008, NvmeRegisters.sqTailDoorbell(1, 0));
        assertEquals(0x100C, NvmeRegisters.cqHeadDoorbell(1, 0));
        assertEquals(0x1000 + 2 * 3 * 16, NvmeRegisters.sqTailDoorbell(3, 2));
        assertEquals(0x1000 + 7 * 16, NvmeRegisters.cqHeadDoorbell(3, 2));
    }

    @Test
    void capFieldsAreTakenFromTheirBits() {
        // MQES 0x7ff, CQR, TO 0x0f, DSTRD 1, CSS NVM, MPSMIN 0, MPSMAX 4, CMBS.
        long cap = 0x7ffL | 1L << 16 | 0x0fL << 24 | 1L << 32 | 1L << 37 | 4L << 52 | 1L << 57;
        assertEquals(0x7ff, NvmeRegisters.capMqes(cap));
        assertEquals(15, NvmeRegisters.capTimeout500ms(cap));
        assertEquals(1, NvmeRegisters.capDoorbellStride(cap));
        assertTrue(NvmeRegisters.capNvmCommandSet(cap));
        assertEquals(0, NvmeRegisters.capMpsMin(cap));
        assertTrue(NvmeRegisters.capCmbs(cap));
        assertFalse(NvmeRegisters.capCmbs(cap & ~(1L << 57)));
    }

    @Test
    void cmbSizeAndLocationUseTheSizeUnit() {
        // 16 MiB in 1 MiB units (SZU 2), SQS|CQS|RDS|WDS; CMBLOC: BIR 2, offset 0.
        int cmbsz = 16 << 12 | 2 << 8 | 0x1b;
        assertEquals(1 << 20, NvmeRegisters.cmbSizeUnitBytes(cmbsz));
        assertEquals(16L << 20, NvmeRegisters.cmbSizeBytes(cmbsz));
        assertEquals(2, NvmeRegisters.cmbBar(2));
        assertEquals(3L << 20, NvmeRegisters.cmbOffsetBytes(3 << 12 | 2, cmbsz));
    }

    @Test
    void entryLayoutsMatchTheSpec() {
        assertEquals(24, SubmissionEntry.PRP1, "DPTR starts at byte 24");
        assertEquals(32, SubmissionEntry.PRP2);
        assertEquals(40, SubmissionEntry.CDW10);
        assertEquals(12, CompletionEntry.CID);
        assertEquals(14, CompletionEntry.STATUS);
        assertEquals(0x004, CompletionEntry.statusCode(0x004 << 1 | 1), "SC 04h with phase 1");
        assertEquals(1, CompletionEntry.phase(0x004 << 1 | 1));
        assertEquals(0x19, SubmissionEntry.NVM_COPY);
    }
}
