package io.dmactl.provider.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.dmactl.provider.cpu.CpuDescriptor.*;

/**
 * The native memory of one software descriptor ring, laid out as {@link CpuDescriptor} says: the
 * descriptor array (page aligned), one status int per slot, and the register block (each register
 * on its own cache line). Shared by the producer ({@link DescriptorRingChannel}) and whatever plays
 * the device; all three segments live as long as the arena they came from.
 *
 * @param descriptors {@code capacity} descriptors of {@link CpuDescriptor#BYTES} each
 * @param statuses    one status int per slot, written by the device before COMPLETED moves past it
 * @param registers   the register block ({@link CpuDescriptor} offsets)
 * @param capacity    descriptors in the ring, a power of two
 */
public record RingMemory(MemorySegment descriptors, MemorySegment statuses, MemorySegment registers, int capacity) {

    /**
     * Allocates a ring of {@code capacity} descriptors in {@code arena}.
     *
     * @throws IllegalArgumentException if {@code capacity} is not a positive power of two (ticket
     *     to slot is a mask), before anything is allocated
     */
    public static RingMemory allocate(Arena arena, int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity " + capacity + " is not a positive power of two");
        }
        return new RingMemory(
            arena.allocate(capacity * BYTES, 4096),
            arena.allocate(capacity * STATUS_BYTES, 64),
            arena.allocate(REGISTER_BLOCK_BYTES, 64),
            capacity);
    }
}
