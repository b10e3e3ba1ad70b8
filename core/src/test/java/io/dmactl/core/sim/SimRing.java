package io.dmactl.core.sim;

/**
 * Memory layout of the simulated device's queues (native memory, like a real device's rings).
 *
 * <pre>
 *  submission entry (48 bytes)
 *   0               8               16      20      24              32              40      44      48
 *   | src / pattern |      dst      |  len  | ctrl  |    ticket     |  aux          |auxspc | rsvd  |
 *   ctrl: bits 0-7 opcode (0 invalid, 1 copy, 2 fill, 3 compare, 4 compare pattern, 5 crc32c,
 *         6 dualcast), bit 8 fence, bits 16-23 source space, bits 24-31 destination space
 *   (compare: src = first range, dst = second; compare pattern / crc32c: dst = the range;
 *    aux: the crc32c seed, or a dualcast's second destination, in space auxspc)
 *
 *  completion entry (24 bytes)
 *   0               8       12      16              24
 *   |    ticket     | status| code  |  result value |
 *
 *  registers (one 64-byte line each): 0x00 SQ doorbell (long), 0x40 CQ tail (long), 0x80 sleeping (int)
 * </pre>
 */
final class SimRing {
    static final long SQE_BYTES = 48;
    static final long SQE_SRC = 0;
    static final long SQE_DST = 8;
    static final long SQE_LENGTH = 16;
    static final long SQE_CONTROL = 20;
    static final long SQE_TICKET = 24;
    static final long SQE_AUX = 32;
    static final long SQE_AUX_SPACE = 40;
    static final long CQE_BYTES = 24;
    static final long CQE_TICKET = 0;
    static final long CQE_STATUS = 8;
    static final long CQE_CODE = 12;
    static final long CQE_RESULT = 16;
    static final long REG_DOORBELL = 0x00;
    static final long REG_CQ_TAIL = 0x40;
    static final long REG_SLEEPING = 0x80;
    static final long REGISTER_BYTES = 0xc0;

    static final int OP_INVALID = 0;
    static final int OP_COPY = 1;
    static final int OP_FILL = 2;
    static final int OP_COMPARE = 3;
    static final int OP_COMPARE_PATTERN = 4;
    static final int OP_CRC32C = 5;
    static final int OP_DUALCAST = 6;
    static final int FENCE = 1 << 8;

    private SimRing() {
    }

    static int control(int opcode, boolean fence, int srcSpace, int dstSpace) {
        if (srcSpace < 0 || srcSpace > 0xff || dstSpace < 0 || dstSpace > 0xff) {
            return OP_INVALID;
        }
        return opcode | (fence ? FENCE : 0) | srcSpace << 16 | dstSpace << 24;
    }
}
