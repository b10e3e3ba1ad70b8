package io.dmactl.provider.edu;

import io.dmactl.core.spi.DmaChannel;

import static io.dmactl.provider.edu.EduRegisters.DMA_LIMIT;
import static io.dmactl.provider.edu.EduRegisters.DMA_MASK_BITS;
import static io.dmactl.provider.edu.EduRegisters.USABLE_BUFFER_BYTES;

/**
 * The checks one edu DMA must pass before any register is written. QEMU 7.2 stops the whole VM
 * on a DMA whose count is 0 or whose range leaves the device buffer (or merely ends at its last
 * byte), and silently drops address bits above the 28-bit DMA mask; so every such op is refused
 * here, never sent.
 *
 * <p>An edu DMA always has the device buffer at one end and a bus address (IOVA) at the other.
 * {@link #check} returns a refusal code without allocating (the fast path stores it as the op's
 * device code next to {@code OpStatus.INVALID}); {@link #explain} turns a code into the message
 * that names the bad value and why.
 */
final class EduOpCheck {
    static final int OK = 0;
    /** The length is 0 or negative. */
    static final int NOT_POSITIVE_LENGTH = 1;
    /** Longer than the part of the device buffer a DMA may touch. */
    static final int LONGER_THAN_BUFFER = 2;
    /** Not exactly one end in the device buffer and the other in the bus space. */
    static final int NOT_BUFFER_AND_BUS = 3;
    /** The buffer range is not inside the usable device buffer. */
    static final int OUTSIDE_BUFFER = 4;
    /** The bus range is not inside the device's 28-bit DMA mask. */
    static final int BEYOND_DMA_MASK = 5;
    /** An op edu does not have (fill). */
    static final int UNSUPPORTED_OP = 6;

    private EduOpCheck() {
    }

    /**
     * @param bufferSpace the space id under which the engine declared the device buffer
     * @return {@link #OK} or the first refusal code that applies
     */
    static int check(int bufferSpace, int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes) {
        if (lengthBytes <= 0) {
            return NOT_POSITIVE_LENGTH;
        }
        if (lengthBytes > USABLE_BUFFER_BYTES) {
            return LONGER_THAN_BUFFER;
        }
        long bufferOffset;
        long busAddress;
        if (srcSpace == DmaChannel.SPACE_BUS && dstSpace == bufferSpace) {
            busAddress = srcAddress;
            bufferOffset = dstAddress;
        } else if (srcSpace == bufferSpace && dstSpace == DmaChannel.SPACE_BUS) {
            bufferOffset = srcAddress;
            busAddress = dstAddress;
        } else {
            return NOT_BUFFER_AND_BUS;
        }
        if (bufferOffset < 0 || bufferOffset > USABLE_BUFFER_BYTES - lengthBytes) {
            return OUTSIDE_BUFFER;
        }
        if (busAddress < 0 || busAddress > DMA_LIMIT - (lengthBytes - 1)) {
            return BEYOND_DMA_MASK;
        }
        return OK;
    }

    /** Throws {@link IllegalArgumentException} with {@link #explain} unless {@link #check} passes. */
    static void require(int bufferSpace, int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes) {
        int code = check(bufferSpace, srcSpace, srcAddress, dstSpace, dstAddress, lengthBytes);
        if (code != OK) {
            throw new IllegalArgumentException(explain(code, bufferSpace, srcSpace, srcAddress, dstSpace, dstAddress, lengthBytes));
        }
    }

    /** What was wrong with an op, naming the bad value and the rule it broke. */
    static String explain(int code, int bufferSpace, int srcSpace, long srcAddress, int dstSpace, long dstAddress,
                          int lengthBytes) {
        String op = "edu DMA of " + lengthBytes + " bytes from " + end(bufferSpace, srcSpace, srcAddress)
            + " to " + end(bufferSpace, dstSpace, dstAddress) + " refused: ";
        boolean toBuffer = dstSpace == bufferSpace;
        long bufferOffset = toBuffer ? dstAddress : srcAddress;
        long busAddress = toBuffer ? srcAddress : dstAddress;
        return op + switch (code) {
            case NOT_POSITIVE_LENGTH -> "length " + lengthBytes + " must be at least 1 byte (QEMU's edu stops the VM on a count of 0)";
            case LONGER_THAN_BUFFER -> "length " + lengthBytes + " exceeds the " + USABLE_BUFFER_BYTES
                + " bytes of the device buffer a DMA may touch (QEMU 7.2's edu stops the VM on a DMA that reaches the buffer's last byte)";
            case NOT_BUFFER_AND_BUS -> "edu moves data only between its device buffer (space " + bufferSpace
                + ") and the bus space (space " + DmaChannel.SPACE_BUS + "), one at each end";
            case OUTSIDE_BUFFER -> "buffer range [" + bufferOffset + ", " + (bufferOffset + lengthBytes)
                + ") is not inside [0, " + USABLE_BUFFER_BYTES + ") (QEMU 7.2's edu stops the VM on a DMA outside its buffer or ending at its last byte)";
            case BEYOND_DMA_MASK -> "bus range 0x" + Long.toHexString(busAddress) + "+" + lengthBytes
                + " is not below 2^" + DMA_MASK_BITS + " (edu drops higher address bits and would hit another address)";
            case UNSUPPORTED_OP -> "edu has no fill operation, only copy";
            default -> "refusal code " + code;
        };
    }

    private static String end(int bufferSpace, int space, long address) {
        if (space == bufferSpace) {
            return "device buffer +" + address;
        }
        if (space == DmaChannel.SPACE_BUS) {
            return "bus 0x" + Long.toHexString(address);
        }
        return "unknown space " + space + " +" + address;
    }
}
