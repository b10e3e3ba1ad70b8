package io.dmactl.bench;

/**
 * Layout of the no-op engine's queues in native memory, the same shape as a real ring device so
 * that the channel does the same stores and loads a driver would.
 *
 * <pre>
 *  descriptor (32 bytes)
 *   0               8               16      20      24              32
 *   +---------------+---------------+-------+-------+---------------+
 *   | src / pattern |      dst      |  len  | ctrl  |   reserved    |
 *   +---------------+---------------+-------+-------+---------------+
 *   ctrl: bits 0-7 opcode (0 invalid, 1 copy, 2 fill), bit 8 fence
 *
 *  status array: one int per ring slot, written by the "device" before COMPLETED moves
 *
 *  register block (one 64-byte line per register, so the two writers never share a line)
 *   0x00  DOORBELL   long  tickets below it are visible to the device
 *   0x40  COMPLETED  long  tickets below it are done and their status is written
 * </pre>
 */
final class NoopRing {
    static final long DESCRIPTOR_BYTES = 32;
    static final long SRC_OR_PATTERN = 0;
    static final long DST = 8;
    static final long LENGTH = 16;
    static final long CONTROL = 20;

    static final int OP_INVALID = 0;
    static final int OP_COPY = 1;
    static final int OP_FILL = 2;
    static final int OP_MASK = 0xff;
    static final int CONTROL_FENCE = 1 << 8;

    static final long STATUS_BYTES = Integer.BYTES;

    static final long REG_DOORBELL = 0x00;
    static final long REG_COMPLETED = 0x40;
    static final long REGISTER_BLOCK_BYTES = 0x80;

    private NoopRing() {
    }
}
