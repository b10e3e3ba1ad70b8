package io.dmactl.provider.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.dmactl.provider.cpu.CpuDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The register block and the arrays keep the two sides off each other's cache lines: each
 * register alone in an aligned 128-byte pair of lines (the adjacent-line prefetcher's unit), and
 * no two of a ring's segments on one such pair, even for the smallest ring.
 */
class RingLayoutTest {
    private static final long[] REGISTERS = {REG_DOORBELL, REG_COMPLETED, REG_SLEEPING};

    @Test
    void eachRegisterSitsAloneInAnAlignedLinePair() {
        for (int i = 0; i < REGISTERS.length; i++) {
            assertEquals(0, REGISTERS[i] % LINE_PAIR_BYTES, "register at 0x" + Long.toHexString(REGISTERS[i]));
            assertTrue(REGISTERS[i] + LINE_PAIR_BYTES <= REGISTER_BLOCK_BYTES, "block ends inside the last pair");
            for (int j = 0; j < i; j++) {
                assertTrue(Math.abs(REGISTERS[i] - REGISTERS[j]) >= LINE_PAIR_BYTES,
                    "0x" + Long.toHexString(REGISTERS[i]) + " and 0x" + Long.toHexString(REGISTERS[j]) + " share a pair");
            }
        }
    }

    @Test
    void segmentsOfASmallRingShareNoLinePair() {
        for (int capacity : new int[] {2, 4, 1024}) {
            try (Arena arena = Arena.ofConfined()) {
                RingMemory[] rings = {RingMemory.allocate(arena, capacity), RingMemory.allocate(arena, capacity)};
                assertEquals(0, rings[0].descriptors().address() % 4096);
                MemorySegment[] all = new MemorySegment[6];
                for (int r = 0; r < 2; r++) {
                    all[3 * r] = rings[r].descriptors();
                    all[3 * r + 1] = rings[r].statuses();
                    all[3 * r + 2] = rings[r].registers();
                    assertEquals(0, rings[r].registers().address() % LINE_PAIR_BYTES);
                    assertEquals(0, rings[r].statuses().address() % LINE_PAIR_BYTES);
                    assertEquals(capacity * STATUS_BYTES, rings[r].statuses().byteSize());
                }
                for (int i = 0; i < all.length; i++) {
                    for (int j = 0; j < i; j++) {
                        long firstI = all[i].address() / LINE_PAIR_BYTES;
                        long lastI = (all[i].address() + all[i].byteSize() - 1) / LINE_PAIR_BYTES;
                        long firstJ = all[j].address() / LINE_PAIR_BYTES;
                        long lastJ = (all[j].address() + all[j].byteSize() - 1) / LINE_PAIR_BYTES;
                        assertTrue(lastI < firstJ || lastJ < firstI,
                            "capacity " + capacity + ": segments " + i + " and " + j + " share a 128-byte line pair");
                    }
                }
            }
        }
    }
}
