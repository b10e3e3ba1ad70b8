package io.dmactl.provider.edu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The register block against the table in QEMU's docs/specs/edu.rst ("MMIO area spec",
 * "DMA controller"), transcribed here as data: offset, name, access, and the bits each names.
 */
class EduRegistersTest {

    private record SpecRegister(long offset, String name, long constant) {
    }

    private static final SpecRegister[] SPEC_TABLE = {
        new SpecRegister(0x00, "identification (RO)", EduRegisters.IDENTIFICATION),
        new SpecRegister(0x04, "card liveness check (RW)", EduRegisters.LIVENESS),
        new SpecRegister(0x08, "factorial computation (RW)", EduRegisters.FACTORIAL),
        new SpecRegister(0x20, "status register (RW)", EduRegisters.STATUS),
        new SpecRegister(0x24, "interrupt status register (RO)", EduRegisters.INTERRUPT_STATUS),
        new SpecRegister(0x60, "interrupt raise register (WO)", EduRegisters.INTERRUPT_RAISE),
        new SpecRegister(0x64, "interrupt acknowledge register (WO)", EduRegisters.INTERRUPT_ACK),
        new SpecRegister(0x80, "DMA source address (RW)", EduRegisters.DMA_SOURCE),
        new SpecRegister(0x88, "DMA destination address (RW)", EduRegisters.DMA_DESTINATION),
        new SpecRegister(0x90, "DMA transfer count (RW)", EduRegisters.DMA_COUNT),
        new SpecRegister(0x98, "DMA command register (RW)", EduRegisters.DMA_COMMAND),
    };

    @Test
    void offsetsMatchTheSpecTable() {
        for (SpecRegister r : SPEC_TABLE) {
            assertEquals(r.offset(), r.constant(), r.name());
        }
    }

    @Test
    void registersBelow0x80Are32BitAndTheDmaRegisters64BitAligned() {
        for (SpecRegister r : SPEC_TABLE) {
            if (r.offset() < EduRegisters.FIRST_64BIT_REGISTER) {
                assertEquals(0, r.offset() % Integer.BYTES, r.name());
            } else {
                assertEquals(0, r.offset() % Long.BYTES, r.name() + " is accessed with 8 bytes");
            }
            assertTrue(r.offset() + Long.BYTES <= EduRegisters.BAR_BYTES, r.name());
        }
        assertEquals(0x80, EduRegisters.FIRST_64BIT_REGISTER, "size == 4 or size == 8 from 0x80 on");
        assertEquals(1 << 20, EduRegisters.BAR_BYTES, "PCI Region 0: I/O memory, 1 MB in size");
    }

    @Test
    void bitsMatchTheSpec() {
        assertEquals(0x01, EduRegisters.STATUS_COMPUTING, "status 0x01 computing factorial (RO)");
        assertEquals(0x80, EduRegisters.STATUS_IRQ_FACTORIAL, "status 0x80 raise interrupt after finishing factorial");
        assertEquals(0x01, EduRegisters.DMA_CMD_START, "command 0x01 start transfer");
        assertEquals(0x02, EduRegisters.DMA_CMD_EDU_TO_RAM, "command 0x02 direction (1: from EDU to RAM)");
        assertEquals(0x04, EduRegisters.DMA_CMD_RAISE_IRQ, "command 0x04 raise interrupt 0x100 after finishing the DMA");
        assertEquals(0x100, EduRegisters.IRQ_DMA, "raise interrupt 0x100");
        assertEquals(0x40000, EduRegisters.DEVICE_BUFFER, "buffer at offset 0x40000");
        assertEquals(4096, EduRegisters.DEVICE_BUFFER_BYTES, "one 4096 bytes long buffer");
        assertEquals(28, EduRegisters.DMA_MASK_BITS, "only 28 bits (256 MiB) by default");
        assertEquals(0x0fff_ffffL, EduRegisters.DMA_LIMIT);
    }

    @Test
    void identificationIsParsedAsTheSpecDescribesIt() {
        int edu10 = 0x010000ed; // what QEMU's edu 1.0 reads back
        assertTrue(EduRegisters.isSupported(edu10));
        assertEquals(1, EduRegisters.majorVersion(edu10));
        assertEquals(0, EduRegisters.minorVersion(edu10));
        assertTrue(EduRegisters.isSupported(0x010300ed), "minor versions are compatible");
        assertEquals(3, EduRegisters.minorVersion(0x010300ed));
        assertFalse(EduRegisters.isSupported(0x020000ed), "major version 2 is unknown");
        assertFalse(EduRegisters.isSupported(0x010000ee), "not the 0xed magic");
        assertFalse(EduRegisters.isSupported(0x010001ed), "byte 1 must be 0");
        assertFalse(EduRegisters.isSupported(0xffffffff), "all ones: nothing behind the BAR");
    }
}
