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
 *   | src / pattern |      dst      |  len  | ctrl  |   reserved    |
 *   +---------------+---------------+-------+-------+---------------+
 *   ctrl: bits 0-7 opcode (0 invalid, 1 copy, 2 fill), bit 8 fence
 *
 *  status array: one int per ring slot, written by the device before COMPLETED moves past it
 *
 *  register block (each register on its own 64-byte line, so the producer's and the
 *  executor's stores never share a cache line)
 *   0x00  DOORBELL   long  producer index: tickets below it are visible to the executor
 *   0x40  COMPLETED  long  tickets below it are done and their status is written
 *   0x80  SLEEPING   int   1 while the executor is about to park or parked
 * </pre>
 */
public final class CpuDescriptor {
    public static final long BYTES = 32;
    public static final long SRC_OR_PATTERN = 0;
    public static final long DST = 8;
    public static final long LENGTH = 16;
    public static final long CONTROL = 20;

    public static final int OP_INVALID = 0;
    public static final int OP_COPY = 1;
    public static final int OP_FILL = 2;
    public static final int OP_MASK = 0xff;
    public static final int CONTROL_FENCE = 1 << 8;

    public static final long STATUS_BYTES = Integer.BYTES;

    public static final long REG_DOORBELL = 0x00;
    public static final long REG_COMPLETED = 0x40;
    public static final long REG_SLEEPING = 0x80;
    public static final long REGISTER_BLOCK_BYTES = 0xc0;

    private CpuDescriptor() {
    }
}
