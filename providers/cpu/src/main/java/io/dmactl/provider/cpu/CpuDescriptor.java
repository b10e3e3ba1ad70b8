package io.dmactl.provider.cpu;

/**
 * Layout of one cpu-engine descriptor in the ring (32 bytes, naturally aligned fields) and of the
 * engine's register block. Offsets are computed once here; nothing else spells them. Public because
 * the benchmarks' no-op engine runs the same ring ({@link DescriptorRingChannel}) with its own device side.
 *
 * <pre>
 *  descriptor (32 bytes)
 *   0               8               16      20      24              32
 *   +---------------+---------------+-------+-------+---------------+
 *   | src / pattern |      dst      |  len  | ctrl  |      aux      |
 *   +---------------+---------------+-------+-------+---------------+
 *   ctrl: bits 0-7 opcode, bit 8 fence
 *   opcode        src / pattern     dst               aux
 *   1 copy        source            destination       -
 *   2 fill        pattern           destination       -
 *   3 compare     first range       second range      -
 *   4 cmp pattern pattern           range             -
 *   5 crc32c      range             -                 seed (low 32 bits)
 *   6 dualcast    source            destination 1     destination 2
 *   0 and anything else: invalid (completes INVALID, touches nothing)
 *
 *  status array: one int per ring slot, holding the op's status before COMPLETED moves past
 *  it (the cpu executor stores it only when it differs from the previous lap's)
 *
 *  result array: one long per ring slot, the op's result value (CRC, compare outcome; 0 for
 *  ops without one), written like the status (only when it changes) before COMPLETED moves
 *
 *  register block, 128-byte aligned, each register alone in its own 128-byte pair of cache
 *  lines: the producer writes DOORBELL, the executor COMPLETED and SLEEPING, and neither side's
 *  stores (nor the adjacent-line prefetcher, which fetches 64-byte lines in aligned pairs) pull
 *  the other side's register across cores
 *   0x000  DOORBELL   long  producer index: tickets below it are visible to the executor
 *   0x080  COMPLETED  long  tickets below it are done and their status is written
 *   0x100  SLEEPING   int   1 while the executor is about to park or parked
 * </pre>
 *
 * <p>The status array is {@link #LINE_PAIR_BYTES} aligned and padded to a multiple of it, so no
 * other data (a register, another ring) shares its lines.
 */
public final class CpuDescriptor {
    /** The size of one descriptor: 32 bytes. */
    public static final long BYTES = 32;
    /** Offset of the source address, or a fill's or compare-pattern's pattern (long). */
    public static final long SRC_OR_PATTERN = 0;
    /** Offset of the destination address (long). */
    public static final long DST = 8;
    /** Offset of the length in bytes (int). */
    public static final long LENGTH = 16;
    /** Offset of the control word (int): opcode in bits 0-7, {@link #CONTROL_FENCE}. */
    public static final long CONTROL = 20;
    /** Offset of the op-specific long: a CRC's seed, a dualcast's second destination. */
    public static final long AUX = 24;

    /** Opcode 0: invalid, completes INVALID and touches nothing. */
    public static final int OP_INVALID = 0;
    /** Opcode of a copy. */
    public static final int OP_COPY = 1;
    /** Opcode of a fill. */
    public static final int OP_FILL = 2;
    /** Opcode of a compare. */
    public static final int OP_COMPARE = 3;
    /** Opcode of a compare-pattern. */
    public static final int OP_COMPARE_PATTERN = 4;
    /** Opcode of a CRC-32C. */
    public static final int OP_CRC32C = 5;
    /** Opcode of a dualcast. */
    public static final int OP_DUALCAST = 6;
    /** The opcode's bits in the control word. */
    public static final int OP_MASK = 0xff;
    /** Control bit: start only after every earlier descriptor completed. */
    public static final int CONTROL_FENCE = 1 << 8;

    /** The size of one status array entry (an int). */
    public static final long STATUS_BYTES = Integer.BYTES;
    /** The size of one result array entry (a long). */
    public static final long RESULT_BYTES = Long.BYTES;

    /** Two 64-byte cache lines: the unit the adjacent-line prefetcher moves, so the unit of separation. */
    public static final long LINE_PAIR_BYTES = 128;

    /** Offset of DOORBELL (long): the producer index. */
    public static final long REG_DOORBELL = 0x000;
    /** Offset of COMPLETED (long): tickets below it are done. */
    public static final long REG_COMPLETED = 0x080;
    /** Offset of SLEEPING (int): 1 while the executor is about to park or parked. */
    public static final long REG_SLEEPING = 0x100;
    /** The size of the register block. */
    public static final long REGISTER_BLOCK_BYTES = 0x180;

    private CpuDescriptor() {
    }
}
