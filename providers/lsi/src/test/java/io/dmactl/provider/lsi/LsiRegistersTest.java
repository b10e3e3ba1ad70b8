package io.dmactl.provider.lsi;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The register offsets and bits against the LSI53C895A Technical Manual's register map
 * ("SCSI Registers") and the SCRIPTS encodings against its instruction set chapter.
 */
class LsiRegistersTest {

    @Test
    void operatingRegisterOffsetsAreTheManuals() {
        Map<String, Long> manual = Map.ofEntries(
            Map.entry("DSTAT", 0x0CL), Map.entry("ISTAT", 0x14L), Map.entry("ISTAT1", 0x15L),
            Map.entry("DBC", 0x24L), Map.entry("DCMD", 0x27L), Map.entry("DSP", 0x2CL), Map.entry("DSPS", 0x30L),
            Map.entry("SCRATCHA", 0x34L), Map.entry("DMODE", 0x38L), Map.entry("DIEN", 0x39L), Map.entry("DCNTL", 0x3BL),
            Map.entry("SIEN0", 0x40L), Map.entry("SIEN1", 0x41L), Map.entry("SIST0", 0x42L), Map.entry("SIST1", 0x43L));
        Map<String, Long> ours = Map.ofEntries(
            Map.entry("DSTAT", LsiRegisters.DSTAT), Map.entry("ISTAT", LsiRegisters.ISTAT), Map.entry("ISTAT1", LsiRegisters.ISTAT1),
            Map.entry("DBC", LsiRegisters.DBC), Map.entry("DCMD", LsiRegisters.DCMD), Map.entry("DSP", LsiRegisters.DSP),
            Map.entry("DSPS", LsiRegisters.DSPS), Map.entry("SCRATCHA", LsiRegisters.SCRATCHA), Map.entry("DMODE", LsiRegisters.DMODE),
            Map.entry("DIEN", LsiRegisters.DIEN), Map.entry("DCNTL", LsiRegisters.DCNTL), Map.entry("SIEN0", LsiRegisters.SIEN0),
            Map.entry("SIEN1", LsiRegisters.SIEN1), Map.entry("SIST0", LsiRegisters.SIST0), Map.entry("SIST1", LsiRegisters.SIST1));
        assertEquals(manual, ours);
    }

    @Test
    void statusBitsAreTheManuals() {
        assertEquals(0x80, LsiRegisters.ISTAT_ABRT);
        assertEquals(0x40, LsiRegisters.ISTAT_SRST);
        assertEquals(0x20, LsiRegisters.ISTAT_SIGP);
        assertEquals(0x04, LsiRegisters.ISTAT_INTF);
        assertEquals(0x02, LsiRegisters.ISTAT_SIP);
        assertEquals(0x01, LsiRegisters.ISTAT_DIP);
        assertEquals(0x02, LsiRegisters.ISTAT1_SRUN);
        assertEquals(0x80, LsiRegisters.DSTAT_DFE);
        assertEquals(0x40, LsiRegisters.DSTAT_MDPE);
        assertEquals(0x20, LsiRegisters.DSTAT_BF);
        assertEquals(0x10, LsiRegisters.DSTAT_ABRT);
        assertEquals(0x08, LsiRegisters.DSTAT_SSI);
        assertEquals(0x04, LsiRegisters.DSTAT_SIR);
        assertEquals(0x01, LsiRegisters.DSTAT_IID);
        assertEquals(0x01, LsiRegisters.DMODE_MAN);
        assertEquals(0x20, LsiRegisters.DMODE_SIOM);
        assertEquals(0x10, LsiRegisters.DMODE_DIOM);
        assertEquals(0x10, LsiRegisters.DCNTL_SSM);
        assertEquals(0x04, LsiRegisters.DCNTL_STD);
    }

    @Test
    void scriptsEncodingsAreTheInstructionSets() {
        assertEquals(0xC000_0001, Scripts.memoryMove(1), "Memory Move: bits 31:30 = 11, bit 29 = 0, 24-bit count");
        assertEquals(0xC0FF_FFFF, Scripts.memoryMove(Scripts.MAX_MOVE_BYTES));
        assertEquals(0x9808_0000, Scripts.INT, "Transfer Control 10, opcode 011 (INT), jump if true, no compare");
        assertEquals(0x9818_0000, Scripts.INTFLY, "INT with bit 20 (interrupt on the fly)");
        assertEquals(12, Scripts.MEMORY_MOVE_BYTES);
        assertEquals(8, Scripts.TRANSFER_CONTROL_BYTES);
        assertEquals(12L * 64 + 8, Scripts.chainBytes(64));
    }

    @Test
    void countsOutsideTheFieldAreRefused() {
        for (int bad : new int[] {0, -1, 1 << 24}) {
            try {
                Scripts.memoryMove(bad);
                throw new AssertionError("accepted count " + bad);
            } catch (IllegalArgumentException expected) {
                assertEquals(true, expected.getMessage().contains(Integer.toString(bad)));
            }
        }
    }
}
