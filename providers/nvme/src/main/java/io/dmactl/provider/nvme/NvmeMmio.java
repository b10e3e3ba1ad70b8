package io.dmactl.provider.nvme;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Every access to the controller's BAR0 goes through here: 32-bit little-endian reads and writes
 * (64-bit registers as two halves, low first), offsets checked against the block, waits with a
 * timeout. Ordering is in the names: {@link #write32Release} is the doorbell write, ordered after
 * every earlier store (queue entries, PRP lists, data); plain accesses are opaque (never merged or
 * elided) but unordered against other addresses.
 *
 * <p>(edu has its own {@code Mmio}; both could move to one shared class in core.)
 */
final class NvmeMmio {
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    /** Between two reads of a register we wait for: each read traps into the device model. */
    private static final long AWAIT_PAUSE_NANOS = 50_000;

    private final MemorySegment registers;
    private final long sizeBytes;
    private final String subject;

    NvmeMmio(MemorySegment registers, String subject) {
        this.registers = Objects.requireNonNull(registers, "registers");
        this.subject = Objects.requireNonNull(subject, "subject");
        if (!registers.isNative()) {
            throw new IllegalArgumentException(subject + ": MMIO needs a native (mapped) segment, got a heap segment");
        }
        if (registers.address() % Long.BYTES != 0) {
            throw new IllegalArgumentException(subject + ": register block at 0x" + Long.toHexString(registers.address())
                + " is not 8-byte aligned");
        }
        this.sizeBytes = registers.byteSize();
    }

    String subject() {
        return subject;
    }

    long sizeBytes() {
        return sizeBytes;
    }

    int read32(long offset) {
        check(offset, Integer.BYTES);
        return (int) U32.getOpaque(registers, offset);
    }

    /** A 64-bit register as two 32-bit reads, low half first. */
    long read64(long offset) {
        check(offset, Long.BYTES);
        long low = Integer.toUnsignedLong((int) U32.getOpaque(registers, offset));
        long high = Integer.toUnsignedLong((int) U32.getOpaque(registers, offset + 4));
        return high << 32 | low;
    }

    void write32(long offset, int value) {
        check(offset, Integer.BYTES);
        U32.setOpaque(registers, offset, value);
    }

    /** A 64-bit register as two 32-bit writes, low half first. */
    void write64(long offset, long value) {
        check(offset, Long.BYTES);
        U32.setOpaque(registers, offset, (int) value);
        U32.setOpaque(registers, offset + 4, (int) (value >>> 32));
    }

    /** A doorbell: every earlier store (queue entry, PRP list, data) is ordered before it. */
    void write32Release(long offset, int value) {
        check(offset, Integer.BYTES);
        U32.setRelease(registers, offset, value);
    }

    /**
     * Waits until {@code (register & mask) == expected}.
     *
     * @return true if it did, false once {@code timeoutNanos} passed first
     */
    boolean await32(long offset, int mask, int expected, long timeoutNanos) {
        check(offset, Integer.BYTES);
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException(subject + ": timeoutNanos " + timeoutNanos + " is negative");
        }
        long start = System.nanoTime();
        while (((int) U32.getAcquire(registers, offset) & mask) != expected) {
            if (System.nanoTime() - start >= timeoutNanos) {
                return false;
            }
            LockSupport.parkNanos(AWAIT_PAUSE_NANOS);
        }
        return true;
    }

    /**
     * Waits until any bit of {@code mask} is set in the register.
     *
     * @return true if one was, false once {@code timeoutNanos} passed first
     */
    boolean awaitAny32(long offset, int mask, long timeoutNanos) {
        check(offset, Integer.BYTES);
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException(subject + ": timeoutNanos " + timeoutNanos + " is negative");
        }
        long start = System.nanoTime();
        while (((int) U32.getAcquire(registers, offset) & mask) == 0) {
            if (System.nanoTime() - start >= timeoutNanos) {
                return false;
            }
            LockSupport.parkNanos(AWAIT_PAUSE_NANOS);
        }
        return true;
    }

    private void check(long offset, int widthBytes) {
        if (offset < 0 || offset > sizeBytes - widthBytes || offset % Integer.BYTES != 0) {
            throw new IllegalArgumentException(subject + ": register offset 0x" + Long.toHexString(offset) + " ("
                + widthBytes * 8 + "-bit) is " + (offset % Integer.BYTES != 0 ? "not 4-byte aligned"
                : "outside the " + sizeBytes + "-byte register block"));
        }
    }

    @Override
    public String toString() {
        return "NvmeMmio[" + subject + ", " + sizeBytes + " bytes]";
    }
}
