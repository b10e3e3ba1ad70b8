package io.dmactl.provider.dsa;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Register offsets and fields against the specification's register map (341204, "Registers"). */
class DsaRegistersTest {

    @Test
    void capabilityAndControlOffsetsMatchTheRegisterMap() {
        assertEquals(0x00, DsaCapabilityRegisters.VERSION);
        assertEquals(0x10, DsaCapabilityRegisters.GENCAP);
        assertEquals(0x20, DsaCapabilityRegisters.WQCAP);
        assertEquals(0x30, DsaCapabilityRegisters.GRPCAP);
        assertEquals(0x38, DsaCapabilityRegisters.ENGCAP);
        assertEquals(0x40, DsaCapabilityRegisters.OPCAP);
        assertEquals(0x60, DsaCapabilityRegisters.TABLE_OFFSET);
        assertEquals(0x80, DsaControlRegisters.GENCFG);
        assertEquals(0x88, DsaControlRegisters.GENCTRL);
        assertEquals(0x90, DsaControlRegisters.GENSTS);
        assertEquals(0x98, DsaControlRegisters.INTCAUSE);
        assertEquals(0xa0, DsaControlRegisters.CMD);
        assertEquals(0xa8, DsaControlRegisters.CMDSTS);
        assertEquals(0xc0, DsaControlRegisters.SWERR);
        assertEquals(64, DsaConfigTables.GRPCFG_BYTES);
        assertEquals(32, DsaConfigTables.WQCFG_MIN_BYTES);
        assertEquals(3 * 4 * 4096, DsaConfigTables.portalOffset(3));
    }

    @Test
    void commandWordsAndOperands() {
        assertEquals((6 << 20) | 5, DsaControlRegisters.command(DsaControlRegisters.CMD_ENABLE_WQ, 5));
        assertEquals(1 << 3, DsaControlRegisters.wqOperand(3));
        assertEquals((1 << 1) | (1 << 16), DsaControlRegisters.wqOperand(17));
        assertThrows(IllegalArgumentException.class, () -> DsaControlRegisters.command(32, 0));
        assertThrows(IllegalArgumentException.class, () -> DsaControlRegisters.command(1, 1 << 20));
        assertEquals(null, DsaControlRegisters.swerrText(0, 1, 2, 3));
        assertEquals("SWERR valid, error 0x1b, wq 2 (words 0x2_1b01 0x0 0x0 0x0)".replace("_", ""),
            DsaControlRegisters.swerrText(0x21b01, 0, 0, 0));
        assertEquals("halted", DsaControlRegisters.stateName(3));
    }

    @Test
    void opcapBitsSelectOps() {
        long[] opcap = {1L << 3 | 1L << 9, 0, 0, 0};
        assertEquals(true, DsaCapabilityRegisters.opSupported(opcap, 3));
        assertEquals(true, DsaCapabilityRegisters.opSupported(opcap, 9));
        assertEquals(false, DsaCapabilityRegisters.opSupported(opcap, 0x10));
    }
}
