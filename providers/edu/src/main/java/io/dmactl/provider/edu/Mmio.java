package io.dmactl.provider.edu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Every register access of one device goes through here: 32- and 64-bit little-endian reads and
 * writes of a mapped BAR, each offset checked against the BAR and the access width before the
 * access, and waits for bits with a timeout.
 *
 * <p>Ordering is in the method names. Plain {@link #read32}/{@link #write64} are opaque: each
 * happens exactly once and is never merged, split or elided by the JIT, but they are not ordered
 * against other addresses. {@link #write64Release} orders every earlier store (other registers,
 * and the data the device is about to read from memory) before itself: use it for the register
 * that starts the device. {@link #read64Acquire} orders every later load after itself: use it for
 * the status the device updates after it has written memory.
 *
 * <p>The segment may be any native segment: a BAR mapped through VFIO in production, plain
 * memory standing in for a device in unit tests.
 */
final class Mmio {
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    /** Between two reads of a register we wait for: each read is a trap into the device model. */
    private static final long AWAIT_PAUSE_NANOS = 20_000;

    private final MemorySegment registers;
    private final long sizeBytes;
    private final String subject;

    /**
     * @param registers the mapped register block (native, at least 8-byte aligned)
     * @param subject   names the device and BAR in messages, e.g. "edu 0000:00:02.0 BAR0"
     */
    Mmio(MemorySegment registers, String subject) {
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

    long sizeBytes() {
        return sizeBytes;
    }

    String subject() {
        return subject;
    }

    int read32(long offset) {
        check(offset, Integer.BYTES);
        return (int) U32.getOpaque(registers, offset);
    }

    long read64(long offset) {
        check(offset, Long.BYTES);
        return (long) U64.getOpaque(registers, offset);
    }

    /** A 64-bit read that later loads cannot move above (status before data). */
    long read64Acquire(long offset) {
        check(offset, Long.BYTES);
        return (long) U64.getAcquire(registers, offset);
    }

    void write32(long offset, int value) {
        check(offset, Integer.BYTES);
        U32.setOpaque(registers, offset, value);
    }

    void write64(long offset, long value) {
        check(offset, Long.BYTES);
        U64.setOpaque(registers, offset, value);
    }

    /** A 64-bit write that earlier stores cannot move below (parameters and data before "start"). */
    void write64Release(long offset, long value) {
        check(offset, Long.BYTES);
        U64.setRelease(registers, offset, value);
    }

    /**
     * Waits until every bit of {@code mask} in the 32-bit register at {@code offset} is clear.
     *
     * @return true if they cleared, false if {@code timeoutNanos} passed first
     */
    boolean awaitClear32(long offset, int mask, long timeoutNanos) {
        check(offset, Integer.BYTES);
        checkTimeout(timeoutNanos);
        long start = System.nanoTime();
        while (((int) U32.getAcquire(registers, offset) & mask) != 0) {
            if (System.nanoTime() - start >= timeoutNanos) {
                return false;
            }
            LockSupport.parkNanos(AWAIT_PAUSE_NANOS);
        }
        return true;
    }

    /**
     * Waits until every bit of {@code mask} in the 64-bit register at {@code offset} is clear.
     *
     * @return true if they cleared, false if {@code timeoutNanos} passed first
     */
    boolean awaitClear64(long offset, long mask, long timeoutNanos) {
        check(offset, Long.BYTES);
        checkTimeout(timeoutNanos);
        long start = System.nanoTime();
        while (((long) U64.getAcquire(registers, offset) & mask) != 0) {
            if (System.nanoTime() - start >= timeoutNanos) {
                return false;
            }
            LockSupport.parkNanos(AWAIT_PAUSE_NANOS);
        }
        return true;
    }

    private void check(long offset, int widthBytes) {
        if (offset < 0 || offset > sizeBytes - widthBytes || offset % widthBytes != 0) {
            throw new IllegalArgumentException(subject + ": register offset 0x" + Long.toHexString(offset) + " ("
                + widthBytes * 8 + "-bit) is " + (offset % widthBytes != 0 ? "not " + widthBytes + "-byte aligned"
                : "outside the " + sizeBytes + "-byte register block"));
        }
    }

    private void checkTimeout(long timeoutNanos) {
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException(subject + ": timeoutNanos " + timeoutNanos + " is negative");
        }
    }

    @Override
    public String toString() {
        return "Mmio[" + subject + ", " + sizeBytes + " bytes]";
    }
}
