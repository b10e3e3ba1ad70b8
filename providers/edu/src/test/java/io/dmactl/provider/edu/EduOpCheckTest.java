package io.dmactl.provider.edu;

import org.junit.jupiter.api.Test;

import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static io.dmactl.provider.edu.EduOpCheck.BEYOND_DMA_MASK;
import static io.dmactl.provider.edu.EduOpCheck.LONGER_THAN_BUFFER;
import static io.dmactl.provider.edu.EduOpCheck.NOT_BUFFER_AND_BUS;
import static io.dmactl.provider.edu.EduOpCheck.NOT_POSITIVE_LENGTH;
import static io.dmactl.provider.edu.EduOpCheck.OK;
import static io.dmactl.provider.edu.EduOpCheck.OUTSIDE_BUFFER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules that keep QEMU 7.2's edu from stopping the VM, at and around each boundary. */
class EduOpCheckTest {
    private static final int BUF = 1;
    private static final long IOVA = 0x20_0000;

    private static int toBuffer(long iova, long offset, int length) {
        return EduOpCheck.check(BUF, SPACE_BUS, iova, BUF, offset, length);
    }

    private static int fromBuffer(long offset, long iova, int length) {
        return EduOpCheck.check(BUF, BUF, offset, SPACE_BUS, iova, length);
    }

    @Test
    void theWholeUsableBufferAndItsEdgesPass() {
        assertEquals(OK, toBuffer(IOVA, 0, 4095), "4095 bytes at 0x40000 end at 0x40fff, strictly below 0x41000");
        assertEquals(OK, fromBuffer(0, IOVA, 4095));
        assertEquals(OK, toBuffer(IOVA, 4094, 1), "the last usable byte");
        assertEquals(OK, toBuffer(IOVA, 0, 1));
        assertEquals(OK, fromBuffer(2000, IOVA, 2095));
    }

    @Test
    void aDmaThatWouldReachTheBuffersLastByteIsRefused() {
        assertEquals(OUTSIDE_BUFFER, toBuffer(IOVA, 4095, 1), "ends exactly at 0x41000: QEMU 7.2 stops the VM");
        assertEquals(OUTSIDE_BUFFER, toBuffer(IOVA, 1, 4095));
        assertEquals(OUTSIDE_BUFFER, fromBuffer(2048, IOVA, 2048));
        assertEquals(OUTSIDE_BUFFER, fromBuffer(4096, IOVA, 1));
        assertEquals(OUTSIDE_BUFFER, toBuffer(IOVA, -1, 10));
        assertEquals(OUTSIDE_BUFFER, toBuffer(IOVA, Long.MAX_VALUE, 10), "no overflow into a pass");
        assertEquals(OUTSIDE_BUFFER, toBuffer(IOVA, Long.MIN_VALUE, 10));
    }

    @Test
    void lengthsOfZeroOrBeyondTheBufferAreRefused() {
        assertEquals(NOT_POSITIVE_LENGTH, toBuffer(IOVA, 0, 0), "a count of 0 stops QEMU's edu");
        assertEquals(NOT_POSITIVE_LENGTH, toBuffer(IOVA, 0, -5));
        assertEquals(LONGER_THAN_BUFFER, toBuffer(IOVA, 0, 4096));
        assertEquals(LONGER_THAN_BUFFER, fromBuffer(0, IOVA, Integer.MAX_VALUE));
    }

    @Test
    void busRangesMustStayBelowThe28BitMask() {
        long limit = EduRegisters.DMA_LIMIT;
        assertEquals(OK, toBuffer(limit - 99, 0, 100), "the last 100 bytes below 2^28");
        assertEquals(BEYOND_DMA_MASK, toBuffer(limit - 98, 0, 100), "one byte above the mask would wrap to 0");
        assertEquals(BEYOND_DMA_MASK, fromBuffer(0, 1L << 28, 1));
        assertEquals(BEYOND_DMA_MASK, fromBuffer(0, 0x1_0000_0000L + IOVA, 16), "would be truncated to IOVA silently");
        assertEquals(BEYOND_DMA_MASK, fromBuffer(0, -4096, 16));
        assertEquals(OK, fromBuffer(0, 0, 16), "bus address 0 is a valid IOVA for the device");
    }

    @Test
    void exactlyOneEndMustBeTheBufferAndTheOtherTheBus() {
        assertEquals(NOT_BUFFER_AND_BUS, EduOpCheck.check(BUF, SPACE_BUS, IOVA, SPACE_BUS, IOVA + 4096, 64), "bus to bus");
        assertEquals(NOT_BUFFER_AND_BUS, EduOpCheck.check(BUF, BUF, 0, BUF, 100, 64), "buffer to buffer");
        assertEquals(NOT_BUFFER_AND_BUS, EduOpCheck.check(BUF, 2, 0, SPACE_BUS, IOVA, 64), "unknown space 2");
        assertEquals(NOT_BUFFER_AND_BUS, EduOpCheck.check(BUF, SPACE_BUS, IOVA, -1, 0, 64));
    }

    @Test
    void messagesNameTheBadValueAndTheRule() {
        IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
            () -> EduOpCheck.require(BUF, SPACE_BUS, IOVA, BUF, 4000, 96));
        assertEquals("edu DMA of 96 bytes from bus 0x200000 to device buffer +4000 refused: buffer range [4000, 4096) "
            + "is not inside [0, 4095) (QEMU 7.2's edu stops the VM on a DMA outside its buffer or ending at its last byte)",
            past.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
            () -> EduOpCheck.require(BUF, BUF, 0, SPACE_BUS, IOVA, 0));
        assertTrue(zero.getMessage().contains("length 0 must be at least 1 byte"), zero.getMessage());
        IllegalArgumentException mask = assertThrows(IllegalArgumentException.class,
            () -> EduOpCheck.require(BUF, BUF, 0, SPACE_BUS, 0x1000_0000L, 8));
        assertTrue(mask.getMessage().contains("bus range 0x10000000+8 is not below 2^28"), mask.getMessage());
        IllegalArgumentException ends = assertThrows(IllegalArgumentException.class,
            () -> EduOpCheck.require(BUF, SPACE_BUS, 0, 3, 0, 8));
        assertTrue(ends.getMessage().contains("to unknown space 3 +0"), ends.getMessage());
        assertTrue(ends.getMessage().contains("only between its device buffer (space 1) and the bus space (space 0)"),
            ends.getMessage());
        IllegalArgumentException longer = assertThrows(IllegalArgumentException.class,
            () -> EduOpCheck.require(BUF, SPACE_BUS, IOVA, BUF, 0, 4096));
        assertTrue(longer.getMessage().contains("length 4096 exceeds the 4095 bytes"), longer.getMessage());
        assertEquals("edu DMA of 8 bytes from bus 0x0 to device buffer +0 refused: edu has no fill operation, only copy",
            EduOpCheck.explain(EduOpCheck.UNSUPPORTED_OP, BUF, SPACE_BUS, 0, BUF, 0, 8));
    }
}
