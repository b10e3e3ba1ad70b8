package io.dmactl.provider.edu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mmio over plain native memory standing in for a 256-byte register block. */
class MmioTest {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment block = arena.allocate(256, 4096);
    private final Mmio mmio = new Mmio(block, "test BAR0");

    @AfterEach
    void free() {
        arena.close();
    }

    @Test
    void accessesAreLittleEndianAtTheGivenOffset() {
        mmio.write32(0x04, 0x11223344);
        assertEquals(0x44, block.get(ValueLayout.JAVA_BYTE, 0x04));
        assertEquals(0x11, block.get(ValueLayout.JAVA_BYTE, 0x07));
        mmio.write64(0x80, 0x0102030405060708L);
        assertEquals(0x08, block.get(ValueLayout.JAVA_BYTE, 0x80));
        assertEquals(0x0102030405060708L, block.get(ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN), 0x80));
        mmio.write64Release(0x98, 5);
        assertEquals(5, mmio.read64(0x98));
        assertEquals(5, mmio.read64Acquire(0x98));
        assertEquals(0x11223344, mmio.read32(0x04));
    }

    @Test
    void offsetsOutsideTheBlockOrMisalignedAreRefusedBeforeAnyAccess() {
        IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class, () -> mmio.write64(0xfc, 1));
        assertEquals("test BAR0: register offset 0xfc (64-bit) is not 8-byte aligned", beyond.getMessage());
        IllegalArgumentException past = assertThrows(IllegalArgumentException.class, () -> mmio.write32(0x100, 1));
        assertEquals("test BAR0: register offset 0x100 (32-bit) is outside the 256-byte register block", past.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mmio.read32(-4));
        assertThrows(IllegalArgumentException.class, () -> mmio.read32(0x02));
        assertThrows(IllegalArgumentException.class, () -> mmio.read64Acquire(0x100));
        assertThrows(IllegalArgumentException.class, () -> mmio.awaitClear64(0x104, 1, 0));
        for (long i = 0; i < block.byteSize(); i++) {
            assertEquals(0, block.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " was written");
        }
        assertEquals(mmio.read32(0xfc), 0, "the last 32-bit register is inside");
        assertEquals(mmio.read64(0xf8), 0, "the last 64-bit register is inside");
    }

    @Test
    void heapOrMisalignedBlocksAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Mmio(MemorySegment.ofArray(new long[32]), "heap"));
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> new Mmio(block.asSlice(4), "odd"));
        assertTrue(odd.getMessage().contains("not 8-byte aligned"), odd.getMessage());
    }

    @Test
    void awaitReturnsOnceTheBitsClearAndGivesUpAtTheTimeout() throws InterruptedException {
        mmio.write64(0x98, 0x5);
        long start = System.nanoTime();
        assertFalse(mmio.awaitClear64(0x98, 0x1, 20_000_000L), "bit 0 is set");
        assertTrue(System.nanoTime() - start >= 20_000_000L, "gave up before the timeout");
        assertTrue(mmio.awaitClear64(0x98, 0x2, 0), "bit 1 is clear: no wait needed");

        Thread device = new Thread(() -> {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            mmio.write64Release(0x98, 0x4);
        });
        device.start();
        assertTrue(mmio.awaitClear64(0x98, 0x1, 5_000_000_000L), "another thread cleared bit 0");
        device.join();

        mmio.write32(0x20, 0x81);
        assertFalse(mmio.awaitClear32(0x20, 0x01, 1_000_000L));
        assertTrue(mmio.awaitClear32(0x20, 0x02, 1_000_000L));
        assertThrows(IllegalArgumentException.class, () -> mmio.awaitClear32(0x20, 1, -1));
    }
}
