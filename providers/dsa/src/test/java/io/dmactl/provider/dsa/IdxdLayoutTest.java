package io.dmactl.provider.dsa;

import io.dmactl.vfio.IdxdAbi;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The descriptor and completion-record offsets the provider uses, against the DSA specification's
 * tables (341204, "Descriptor formats", "Completion Record"); vfio-binding's GeneratedLayoutTest
 * checks the same values against the compiler's view of {@code <linux/idxd.h>}.
 */
class IdxdLayoutTest {

    @Test
    void descriptorAndRecordOffsetsMatchTheSpecification() {
        assertEquals(64, IdxdAbi.DESCRIPTOR_BYTES);
        assertEquals(32, IdxdAbi.RECORD_BYTES);
        assertEquals(4, IdxdAbi.DESC_FLAGS_OPCODE);
        assertEquals(24, IdxdAbi.OPCODE_SHIFT);
        assertEquals(8, IdxdAbi.DESC_COMPLETION_ADDR);
        assertEquals(16, IdxdAbi.DESC_SRC_ADDR);
        assertEquals(16, IdxdAbi.DESC_PATTERN);
        assertEquals(16, IdxdAbi.DESC_DESC_LIST_ADDR);
        assertEquals(24, IdxdAbi.DESC_DST_ADDR);
        assertEquals(24, IdxdAbi.DESC_COMP_PATTERN);
        assertEquals(32, IdxdAbi.DESC_XFER_SIZE);
        assertEquals(32, IdxdAbi.DESC_DESC_COUNT);
        assertEquals(40, IdxdAbi.DESC_DEST2);
        assertEquals(40, IdxdAbi.DESC_CRC_SEED);
        assertEquals(0, IdxdAbi.REC_STATUS);
        assertEquals(1, IdxdAbi.REC_RESULT);
        assertEquals(4, IdxdAbi.REC_BYTES_COMPLETED);
        assertEquals(8, IdxdAbi.REC_FAULT_ADDR);
        assertEquals(16, IdxdAbi.REC_CRC_VAL);
        assertEquals(0x03, IdxdAbi.OPCODE_MEMMOVE);
        assertEquals(0x10, IdxdAbi.OPCODE_CRCGEN);
        assertEquals((0x03 << 24) | 0x0c, IdxdAbi.flagsOpcode(IdxdAbi.OPCODE_MEMMOVE, IdxdAbi.FLAG_CRAV | IdxdAbi.FLAG_RCR));
    }
}
