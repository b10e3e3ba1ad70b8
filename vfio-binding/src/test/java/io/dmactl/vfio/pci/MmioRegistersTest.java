package io.dmactl.vfio.pci;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MmioRegisters over plain native memory standing in for a 256-byte register block. */
class MmioRegistersTest {
    private static final long BLOCK_BYTES = 256;
    private static final long PAUSE_NANOS = 20_000;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment block = arena.allocate(BLOCK_BYTES, 4096);
    private final MmioRegisters mmio = new MmioRegisters(block, "test BAR0", PAUSE_NANOS);

    @AfterEach
    void free() {
        arena.close();
    }

    /** The block's bytes from {@code offset}, in address order. */
    private byte[] bytes(long offset, int length) {
        return block.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] b(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private void assertBytes(byte[] expected, long offset) {
        assertEquals(HexFormat.of().formatHex(expected),
            HexFormat.of().formatHex(bytes(offset, expected.length)), "bytes at 0x" + Long.toHexString(offset));
    }

    private void assertUntouched() {
        for (long i = 0; i < block.byteSize(); i++) {
            assertEquals(0, block.get(ValueLayout.JAVA_BYTE, i), "byte 0x" + Long.toHexString(i) + " was written");
        }
    }

    @Test
    void eightAndSixteenBitAccessesTouchOnlyTheirBytes() {
        mmio.write8(0x84, 0x20);
        mmio.write16(0x86, 0xbeef);
        mmio.write16Release(0x80, 0x1234);
        assertBytes(b(0x34, 0x12, 0, 0, 0x20, 0, 0xef, 0xbe, 0), 0x80);
        assertEquals(0x20, mmio.read8(0x84));
        assertEquals(0xbeef, mmio.read16(0x86));
        assertEquals(0xef, mmio.read8(0x86));
        assertThrows(IllegalArgumentException.class, () -> mmio.read16(0x85), "misaligned 16-bit read");
        assertThrows(IllegalArgumentException.class, () -> mmio.write8(BLOCK_BYTES, 1), "8-bit write past the block");
    }

    @Test
    void thirtyTwoBitAccessesAreLittleEndianAtTheirOffset() {
        mmio.write32(0x04, 0x11223344);
        mmio.write32Release(0x0c, 0xa1b2c3d4);
        assertBytes(b(0, 0, 0, 0, 0x44, 0x33, 0x22, 0x11, 0, 0, 0, 0, 0xd4, 0xc3, 0xb2, 0xa1, 0), 0);
        block.asSlice(0x20, 4).copyFrom(MemorySegment.ofArray(b(0x78, 0x56, 0x34, 0x12)));
        assertEquals(0x12345678, mmio.read32(0x20));
        assertEquals(0x12345678, mmio.read32Acquire(0x20));
        assertEquals(0xa1b2c3d4, mmio.read32(0x0c));
    }

    @Test
    void sixtyFourBitAccessesAreLittleEndianAtTheirOffset() {
        mmio.write64(0x80, 0x0102030405060708L);
        mmio.write64Release(0x98, 0x1122334455667788L);
        assertBytes(b(0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0), 0x80);
        assertBytes(b(0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0), 0x97);
        block.asSlice(0x40, 8).copyFrom(MemorySegment.ofArray(b(0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12)));
        assertEquals(0x123456789abcdef0L, mmio.read64(0x40));
        assertEquals(0x123456789abcdef0L, mmio.read64Acquire(0x40));
    }

    @Test
    void halvesAreTheSameLittleEndianBytesAtFourByteAlignment() {
        // 0x2c is 4- but not 8-byte aligned: the offset NVMe's two-halves style must accept.
        mmio.write64AsHalves(0x2c, 0x8000000100000002L);
        assertBytes(b(0, 0x02, 0, 0, 0, 0x01, 0, 0, 0x80, 0), 0x2b);
        assertEquals(0x8000000100000002L, mmio.read64AsHalves(0x2c));
        // The high half's top bit set and the low half's too: no sign extension leaks between them.
        block.asSlice(0x30, 8).copyFrom(MemorySegment.ofArray(b(0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 0)));
        assertEquals(0x1_ffff_ffffL, mmio.read64AsHalves(0x30));
        mmio.write64(0x40, 0xcafef00d_deadbeefL);
        assertEquals(0xcafef00d_deadbeefL, mmio.read64AsHalves(0x40), "both styles agree on the same bytes");
    }

    @Test
    void offsetsOutsideTheBlockOrMisalignedAreRefusedWithTheReasonBeforeAnyAccess() {
        assertRefused("test BAR0: register offset 0xfc (64-bit) is not 8-byte aligned", () -> mmio.write64(0xfc, 1));
        assertRefused("test BAR0: register offset 0x100 (32-bit) is outside the 256-byte register block",
            () -> mmio.write32(0x100, 1));
        assertRefused("test BAR0: register offset 0x2 (32-bit) is not 4-byte aligned", () -> mmio.write32Release(0x02, 1));
        assertRefused("test BAR0: register offset -0x4 (32-bit) is outside the 256-byte register block",
            () -> mmio.read32(-4));
        assertRefused("test BAR0: register offset 0x100 (64-bit) is outside the 256-byte register block",
            () -> mmio.read64Acquire(0x100));
        assertRefused("test BAR0: register offset 0x4 (64-bit) is not 8-byte aligned", () -> mmio.write64Release(0x04, 1));
        assertRefused("test BAR0: register offset 0xfc (64-bit) is outside the 256-byte register block",
            () -> mmio.write64AsHalves(0xfc, 1), "the high half would fall past the end");
        assertRefused("test BAR0: register offset 0x6 (64-bit) is not 4-byte aligned", () -> mmio.write64AsHalves(0x06, 1));
        assertRefused("test BAR0: register offset 0x102 (64-bit) is not 4-byte aligned", () -> mmio.read64AsHalves(0x102));
        assertRefused("test BAR0: register offset 0x108 (64-bit) is outside the 256-byte register block",
            () -> mmio.awaitClear64(0x108, 1, 0));
        assertRefused("test BAR0: register offset 0x1 (32-bit) is not 4-byte aligned", () -> mmio.await32(0x01, 1, 0, 0));
        assertRefused("test BAR0: register offset 0x100 (32-bit) is outside the 256-byte register block",
            () -> mmio.awaitAnySet32(0x100, 1, 0));
        assertUntouched();

        assertEquals(0, mmio.read32(0xfc), "the last 32-bit register is inside");
        assertEquals(0, mmio.read64(0xf8), "the last 64-bit register is inside");
        mmio.write64AsHalves(0xf8, -1L);
        assertEquals(-1L, mmio.read64(0xf8), "the last 64-bit register as halves is inside");
    }

    private static void assertRefused(String message, Executable access) {
        assertRefused(message, access, message);
    }

    private static void assertRefused(String message, Executable access, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, access, why);
        assertEquals(message, e.getMessage());
    }

    @Test
    void heapOrMisalignedBlocksAndANonPositivePauseAreRefused() {
        IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
            () -> new MmioRegisters(MemorySegment.ofArray(new long[32]), "heap", PAUSE_NANOS));
        assertEquals("heap: MMIO needs a native (mapped) segment, got a heap segment", heap.getMessage());
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
            () -> new MmioRegisters(block.asSlice(4), "odd", PAUSE_NANOS));
        assertEquals("odd: register block at 0x" + Long.toHexString(block.address() + 4) + " is not 8-byte aligned",
            odd.getMessage());
        IllegalArgumentException pause = assertThrows(IllegalArgumentException.class,
            () -> new MmioRegisters(block, "spin", 0));
        assertEquals("spin: pollPauseNanos 0 must be positive (a wait would spin on the register)", pause.getMessage());
        assertEquals(BLOCK_BYTES, mmio.sizeBytes());
        assertEquals("test BAR0", mmio.subject());
        assertEquals(PAUSE_NANOS, mmio.pollPauseNanos());
    }

    @Test
    void awaitSucceedsAtOnceWhenTheConditionHoldsAndGivesUpAtTheTimeout() {
        mmio.write32(0x20, 0x81);
        assertTrue(mmio.await32(0x20, 0x83, 0x81, 0), "(0x81 & 0x83) == 0x81 already");
        assertTrue(mmio.awaitClear32(0x20, 0x02, 0), "bit 1 is clear");
        assertTrue(mmio.awaitAnySet32(0x20, 0x06 | 0x80, 0), "bit 7 is set");
        assertGivesUp(() -> mmio.await32(0x20, 0x83, 0x80, 20_000_000L), 20_000_000L);
        assertGivesUp(() -> mmio.awaitClear32(0x20, 0x01, 20_000_000L), 20_000_000L);
        assertGivesUp(() -> mmio.awaitAnySet32(0x20, 0x06, 20_000_000L), 20_000_000L);

        mmio.write64(0x98, 0x5_0000_0005L);
        assertTrue(mmio.await64(0x98, 0xf_0000_000fL, 0x5_0000_0005L, 0));
        assertTrue(mmio.awaitClear64(0x98, 0x2_0000_0002L, 0));
        assertGivesUp(() -> mmio.await64(0x98, 0xf_0000_0000L, 0x4_0000_0000L, 20_000_000L), 20_000_000L);
        assertGivesUp(() -> mmio.awaitClear64(0x98, 0x1_0000_0000L, 20_000_000L), 20_000_000L);
    }

    @Test
    void aPauseLongerThanTheTimeoutIsCutShortAtTheDeadline() {
        MmioRegisters slow = new MmioRegisters(block, "slow BAR0", 10_000_000_000L);
        slow.write32(0x20, 0x1);
        // With the full 10 s pause the wait would overrun its 20 ms by 10 s.
        assertGivesUp(() -> slow.awaitClear32(0x20, 0x1, 20_000_000L), 20_000_000L);
    }

    private interface Wait {
        boolean await();
    }

    private static void assertGivesUp(Wait wait, long timeoutNanos) {
        long start = System.nanoTime();
        assertFalse(wait.await(), "the condition never holds");
        long waitedNanos = System.nanoTime() - start;
        assertTrue(waitedNanos >= timeoutNanos, "gave up after " + waitedNanos + " ns, before the timeout");
        assertTrue(waitedNanos < 2_000_000_000L, "waited " + waitedNanos + " ns for a " + timeoutNanos + " ns timeout");
    }

    @Test
    void awaitReturnsOnceAnotherThreadChangesTheRegister() throws InterruptedException {
        mmio.write64(0x98, 0x5);
        mmio.write32(0x10, 0x0);
        CountDownLatch waiting = new CountDownLatch(1);
        Thread device = new Thread(() -> {
            try {
                waiting.await();
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            mmio.write32Release(0x10, 0x4);
            mmio.write64Release(0x98, 0x4);
        });
        device.start();
        waiting.countDown();
        assertTrue(mmio.awaitAnySet32(0x10, 0x4, 5_000_000_000L), "another thread set bit 2");
        assertTrue(mmio.awaitClear64(0x98, 0x1, 5_000_000_000L), "another thread cleared bit 0");
        assertEquals(0x4, mmio.read64(0x98));
        device.join();
    }

    @Test
    void badWaitArgumentsAreRefusedWithTheReason() {
        assertRefused("test BAR0: timeoutNanos -1 is negative", () -> mmio.await32(0x20, 1, 0, -1));
        assertRefused("test BAR0: timeoutNanos -1 is negative", () -> mmio.awaitClear32(0x20, 1, -1));
        assertRefused("test BAR0: timeoutNanos -5 is negative", () -> mmio.await64(0x20, 1, 0, -5));
        assertRefused("test BAR0: timeoutNanos -1 is negative", () -> mmio.awaitClear64(0x20, 1, -1));
        assertRefused("test BAR0: timeoutNanos -1 is negative", () -> mmio.awaitAnySet32(0x20, 1, -1));
        assertRefused("test BAR0: expected 0x3 has bits outside mask 0x1 and can never match",
            () -> mmio.await32(0x20, 0x1, 0x3, 0));
        assertRefused("test BAR0: expected 0x100000000 has bits outside mask 0xff and can never match",
            () -> mmio.await64(0x20, 0xff, 1L << 32, 0));
        assertRefused("test BAR0: awaiting any bit of an empty mask at offset 0x20 can never succeed",
            () -> mmio.awaitAnySet32(0x20, 0, 0));
        assertUntouched();
    }
}
