package io.dmactl.provider.lsi;

import io.dmactl.core.spi.DmaChannel;

/**
 * The checks one Memory Move must pass before it is written into a SCRIPTS chain. A refused op
 * never reaches the chip: it completes INVALID with its code as device code, and
 * {@link #explain} names the bad value and the rule.
 *
 * <p>The chip emits 32-bit bus addresses and a 24-bit count, so a range must lie below 2^32 and a
 * count in 1..2^24-1 (the core splits longer transfers at the engine's max transfer). A range
 * must never touch the chip's own register BARs: QEMU 7.2's model runs SCRIPTS from inside the
 * register write that starts them, and a Memory Move into its own registers re-enters that code
 * (QEMU upstream issue 1563). The engine hands this check those ranges as seen in its bus space
 * ({@link #guard}); the SCRIPTS RAM is not among them (its model only stores bytes).
 */
final class MoveCheck {
    static final int OK = 0;
    static final int NOT_POSITIVE_LENGTH = 1;
    static final int LONGER_THAN_COUNT = 2;
    static final int UNKNOWN_SPACE = 3;
    static final int OUTSIDE_RAM = 4;
    static final int BEYOND_DMA_MASK = 5;
    static final int TOUCHES_REGISTERS = 6;
    static final int UNSUPPORTED_OP = 7;

    /** The highest bus address the chip emits. */
    static final long DMA_LIMIT = 0xFFFF_FFFFL;
    static final int DMA_MASK_BITS = 32;

    /** Space id of the SCRIPTS RAM, or -1 without one. */
    private final int ramSpace;
    private final long ramBusAddress;
    private final long ramBytes;
    /** Bus ranges a move must never touch, as [first, last] pairs (inclusive). */
    private final long[] forbidden;

    /**
     * @param forbidden bus ranges as {first, last, first, last, ...}, inclusive
     */
    MoveCheck(int ramSpace, long ramBusAddress, long ramBytes, long[] forbidden) {
        if (forbidden.length % 2 != 0) {
            throw new IllegalArgumentException("forbidden ranges come in [first, last] pairs, got " + forbidden.length + " values");
        }
        this.ramSpace = ramSpace;
        this.ramBusAddress = ramBusAddress;
        this.ramBytes = ramBytes;
        this.forbidden = forbidden.clone();
    }

    /** The forbidden bus ranges, {first, last, ...} (control path: messages, tests). */
    long[] guard() {
        return forbidden.clone();
    }

    /** The bus address of {@code address} in {@code space} for a checked op. */
    long busAddress(int space, long address) {
        return space == DmaChannel.SPACE_BUS ? address : ramBusAddress + address;
    }

    /** OK or the first refusal that applies. Allocates nothing. */
    int check(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes) {
        if (lengthBytes <= 0) {
            return NOT_POSITIVE_LENGTH;
        }
        if (lengthBytes > Scripts.MAX_MOVE_BYTES) {
            return LONGER_THAN_COUNT;
        }
        int end = checkEnd(srcSpace, srcAddress, lengthBytes);
        return end != OK ? end : checkEnd(dstSpace, dstAddress, lengthBytes);
    }

    private int checkEnd(int space, long address, int lengthBytes) {
        long bus;
        if (space == DmaChannel.SPACE_BUS) {
            bus = address;
        } else if (space == ramSpace && ramSpace > 0) {
            if (address < 0 || address > ramBytes - lengthBytes) {
                return OUTSIDE_RAM;
            }
            bus = ramBusAddress + address;
        } else {
            return UNKNOWN_SPACE;
        }
        if (bus < 0 || bus > DMA_LIMIT - (lengthBytes - 1)) {
            return BEYOND_DMA_MASK;
        }
        long last = bus + lengthBytes - 1;
        for (int i = 0; i < forbidden.length; i += 2) {
            if (bus <= forbidden[i + 1] && last >= forbidden[i]) {
                return TOUCHES_REGISTERS;
            }
        }
        return OK;
    }

    /** What was wrong with a move, naming the bad value and the rule. */
    String explain(int code, int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes) {
        String op = "LSI Memory Move of " + lengthBytes + " bytes from " + end(srcSpace, srcAddress) + " to "
            + end(dstSpace, dstAddress) + " refused: ";
        return op + switch (code) {
            case NOT_POSITIVE_LENGTH -> "length " + lengthBytes + " must be at least 1 byte";
            case LONGER_THAN_COUNT -> "length " + lengthBytes + " exceeds the 24-bit byte count (" + Scripts.MAX_MOVE_BYTES + ")";
            case UNKNOWN_SPACE -> "a space is neither the bus (0) nor the SCRIPTS RAM (" + ramSpace + ")";
            case OUTSIDE_RAM -> "the range is not inside the " + ramBytes + "-byte SCRIPTS RAM";
            case BEYOND_DMA_MASK -> "a bus range is not below 2^32 (the chip emits 32-bit addresses)";
            case TOUCHES_REGISTERS -> "a bus range touches the chip's own register BARs " + ranges()
                + " (QEMU 7.2 re-enters its SCRIPTS engine on such a move: upstream issue 1563)";
            case UNSUPPORTED_OP -> "the SCRIPTS engine offers copy only";
            default -> "refusal code " + code;
        };
    }

    private String end(int space, long address) {
        return space == DmaChannel.SPACE_BUS ? "bus 0x" + Long.toHexString(address)
            : space == ramSpace ? "SCRIPTS RAM +" + address : "space " + space + " +" + address;
    }

    private String ranges() {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < forbidden.length; i += 2) {
            text.append(i == 0 ? "" : ", ").append("0x").append(Long.toHexString(forbidden[i])).append("..0x")
                .append(Long.toHexString(forbidden[i + 1]));
        }
        return text.append(']').toString();
    }
}
