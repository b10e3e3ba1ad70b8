package io.dmactl.provider.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.dmactl.provider.cpu.CpuDescriptor.*;

/**
 * The native memory of one software descriptor ring, laid out as {@link CpuDescriptor} says: the
 * descriptor array (page aligned), one status int and one result long per slot (each array 128-byte
 * aligned and padded), and the
 * register block (each register alone in a 128-byte pair of cache lines). Shared by the producer ({@link DescriptorRingChannel}) and whatever plays
 * the device; all three segments live as long as the arena they came from.
 *
 * @param descriptors {@code capacity} descriptors of {@link CpuDescriptor#BYTES} each
 * @param statuses    one status int per slot, written by the device before COMPLETED moves past it
 * @param results     one result value (long) per slot, written by the device before COMPLETED moves past it
 * @param registers   the register block ({@link CpuDescriptor} offsets)
 * @param capacity    descriptors in the ring, a power of two
 */
public record RingMemory(MemorySegment descriptors, MemorySegment statuses, MemorySegment results, MemorySegment registers,
                         int capacity) {

    /**
     * Allocates a ring of {@code capacity} descriptors in {@code arena}.
     *
     * @param arena the arena that owns the memory
     * @param capacity the descriptors in the ring, a power of two
     * @return the ring's memory
     * @throws IllegalArgumentException if {@code capacity} is not a positive power of two (ticket
     *     to slot is a mask), before anything is allocated
     */
    public static RingMemory allocate(Arena arena, int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity " + capacity + " is not a positive power of two");
        }
        return new RingMemory(
            arena.allocate(padded(capacity * BYTES), 4096).asSlice(0, capacity * BYTES),
            arena.allocate(padded(capacity * STATUS_BYTES), LINE_PAIR_BYTES)
                .asSlice(0, capacity * STATUS_BYTES),
            arena.allocate(padded(capacity * RESULT_BYTES), LINE_PAIR_BYTES)
                .asSlice(0, capacity * RESULT_BYTES),
            arena.allocate(REGISTER_BLOCK_BYTES, LINE_PAIR_BYTES),
            capacity);
    }

    /** {@code bytes} rounded up to whole {@link CpuDescriptor#LINE_PAIR_BYTES}: nothing else lands on its last lines. */
    private static long padded(long bytes) {
        return (bytes + LINE_PAIR_BYTES - 1) & -LINE_PAIR_BYTES;
    }
}
