package io.dmactl.vfio.pci;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * The one way a driver touches a device's register block: little-endian 32- and 64-bit reads and
 * writes at byte offsets into a mapped BAR, and polled waits for register bits that give up after
 * a timeout. Every offset is checked against the block and the access width before the access, so
 * a wrong offset is an {@link IllegalArgumentException} naming it, never a stray write to the device.
 *
 * <h2>Ordering contract</h2>
 * The ordering of each access is part of its name.
 * <ul>
 *   <li><b>Plain</b> ({@link #read32}, {@link #write64}, ...) accesses are <em>opaque</em>. A
 *       register read or write is a message to the device, not a memory cell: the JIT must emit
 *       each one exactly once, at the written width, and never merge two writes, drop a write it
 *       thinks is overwritten, or hoist a read out of a loop. Opaque gives exactly that, and
 *       accesses to one register stay in program order, but nothing is ordered against other
 *       addresses. Use them when the order against ordinary memory does not matter (setup
 *       registers written one after the other, interrupt acknowledges, diagnostic reads).</li>
 *   <li><b>Release writes</b> ({@link #write32Release}, {@link #write64Release}) are for the
 *       register that hands work to the device: a doorbell, a "start" bit. Every store the
 *       program made before it (queue entries, descriptors, the data in DMA buffers, other
 *       registers) is visible before the device can see this one, so the device never reads a
 *       half-written command.</li>
 *   <li><b>Acquire reads</b> ({@link #read32Acquire}, {@link #read64Acquire}, and every read
 *       inside the {@code await} methods) are for status the device updates after it has
 *       written memory: no later load (a completion entry, data the device wrote) moves above
 *       the read, so once the status says "done" what follows sees the device's data.</li>
 * </ul>
 *
 * <h2>Where the contract holds</h2>
 * On x86-64, and only there: the register block is a BAR that VFIO maps uncached (UC) and DMA
 * memory is write-back (WB). The Intel SDM, Volume 3A, section "Memory Ordering" (subsection
 * "Memory Ordering in P6 and More Recent Processor Families") keeps stores in program order with
 * other stores and loads with other loads, and section "Methods of Caching Available" keeps UC
 * accesses in program order; so a WB store to a queue entry is visible before a later UC doorbell
 * store, and a UC status load comes before later loads of DMA memory. Java's release and acquire
 * accesses (plain {@code mov}s on x86-64) add what the hardware cannot: the JIT may not move an
 * earlier store below a release write or a later load above an acquire read. Opaque accesses add
 * "exactly once, at this width", which a plain {@code MemorySegment} access does not promise for
 * device memory. Elsewhere MMIO needs barriers that release/acquire do not promise, so device
 * memory is not mapped there at all ({@link MemoryOrdering}, checked by {@code VfioDevice.mapRegion}).
 *
 * <h2>64-bit registers</h2>
 * {@link #read64}/{@link #write64} are single 8-byte accesses at 8-byte alignment, for devices that
 * take them (QEMU's edu). {@link #read64AsHalves}/{@link #write64AsHalves} are two 4-byte accesses,
 * low half first, at 4-byte alignment, for devices whose specification only promises 32-bit
 * access (NVMe's CAP, ASQ, ACQ). The two halves are not one atomic access: write them only while
 * the device does not act on the register (NVMe: while the controller is disabled).
 *
 * <h2>Waiting</h2>
 * An {@code await} method reads the register until the condition holds or the timeout passes,
 * parking the calling thread for the pause given at construction between two reads: on a real or
 * emulated device each read is a bus transaction or a trap into the device model, so a tight
 * spin would only slow the device down. The last pause is cut short so the timeout is kept.
 *
 * <p>Nothing is allocated on any access or wait, met or timed out (only a refusal builds its
 * message): channels call these per operation on the DMA fast path. Instances are immutable; thread safety of a device's register protocol is
 * up to the driver.
 *
 * <p>The segment may be any native segment: a BAR mapped through VFIO in production, plain memory
 * standing in for the device in unit tests.
 */
public final class MmioRegisters {
    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final MemorySegment registers;
    private final long sizeBytes;
    private final String subject;
    private final long pollPauseNanos;

    /**
     * Register accesses on {@code registers}, a mapped register block (a BAR or part of one).
     *
     * @param registers      the mapped register block: native and at least 8-byte aligned
     * @param subject        names the device and BAR in messages, e.g. "edu 0000:00:02.0 BAR0"
     * @param pollPauseNanos how long an {@code await} parks between two reads of the register (positive)
     * @throws IllegalArgumentException if the segment is on the heap or misaligned, or the pause is not positive
     */
    public MmioRegisters(MemorySegment registers, String subject, long pollPauseNanos) {
        this.registers = Objects.requireNonNull(registers, "registers");
        this.subject = Objects.requireNonNull(subject, "subject");
        if (!registers.isNative()) {
            throw new IllegalArgumentException(subject + ": MMIO needs a native (mapped) segment, got a heap segment");
        }
        if (registers.address() % Long.BYTES != 0) {
            throw new IllegalArgumentException(subject + ": register block at 0x" + Long.toHexString(registers.address())
                + " is not 8-byte aligned");
        }
        if (pollPauseNanos <= 0) {
            throw new IllegalArgumentException(subject + ": pollPauseNanos " + pollPauseNanos
                + " must be positive (a wait would spin on the register)");
        }
        this.sizeBytes = registers.byteSize();
        this.pollPauseNanos = pollPauseNanos;
    }

    /**
     * Length of the register block, in bytes.
     *
     * @return the length in bytes
     */
    public long sizeBytes() {
        return sizeBytes;
    }

    /**
     * Names the device and BAR, for messages.
     *
     * @return the subject
     */
    public String subject() {
        return subject;
    }

    /**
     * The pause between two reads of a register an {@code await} waits for.
     *
     * @return the pause in nanoseconds
     */
    public long pollPauseNanos() {
        return pollPauseNanos;
    }

    // ---- 8- and 16-bit (registers narrower than a dword: I/OAT's CHANCMD and DMACOUNT, the LSI 53C8xx's byte-wide file) ----

    /**
     * An opaque 8-bit read, returned as 0..255.
     *
     * @param offset the register's byte offset in the block
     * @return the byte, 0..255
     */
    public int read8(long offset) {
        check(offset, Byte.BYTES, Byte.BYTES);
        return Byte.toUnsignedInt((byte) U8.getOpaque(registers, offset));
    }

    /**
     * An 8-bit read that no later load moves above (status before what it vouches for).
     *
     * @param offset the register's byte offset in the block
     * @return the byte, 0..255
     */
    public int read8Acquire(long offset) {
        check(offset, Byte.BYTES, Byte.BYTES);
        return Byte.toUnsignedInt((byte) U8.getAcquire(registers, offset));
    }

    /**
     * An opaque 8-bit write of the low byte of {@code value}.
     *
     * @param offset the register's byte offset in the block
     * @param value the value to write
     */
    public void write8(long offset, int value) {
        check(offset, Byte.BYTES, Byte.BYTES);
        U8.setOpaque(registers, offset, (byte) value);
    }

    /**
     * An opaque 16-bit read ({@code offset} 2-byte aligned), returned as 0..65535.
     *
     * @param offset the register's byte offset in the block
     * @return the word, 0..65535
     */
    public int read16(long offset) {
        check(offset, Short.BYTES, Short.BYTES);
        return Short.toUnsignedInt((short) U16.getOpaque(registers, offset));
    }

    /**
     * An opaque 16-bit write of the low half of {@code value} ({@code offset} 2-byte aligned).
     *
     * @param offset the register's byte offset in the block
     * @param value the value to write
     */
    public void write16(long offset, int value) {
        check(offset, Short.BYTES, Short.BYTES);
        U16.setOpaque(registers, offset, (short) value);
    }

    /**
     * A 16-bit write that no earlier store moves below: a 16-bit doorbell (I/OAT DMACOUNT).
     *
     * @param offset the register's byte offset in the block
     * @param value the value to write
     */
    public void write16Release(long offset, int value) {
        check(offset, Short.BYTES, Short.BYTES);
        U16.setRelease(registers, offset, (short) value);
    }

    // ---- 32-bit ----

    /**
     * An opaque 32-bit read.
     *
     * @param offset the register's byte offset in the block
     * @return the value
     */
    public int read32(long offset) {
        check(offset, Integer.BYTES, Integer.BYTES);
        return (int) U32.getOpaque(registers, offset);
    }

    /**
     * A 32-bit read that no later load moves above (status before what it vouches for).
     *
     * @param offset the register's byte offset in the block
     * @return the value
     */
    public int read32Acquire(long offset) {
        check(offset, Integer.BYTES, Integer.BYTES);
        return (int) U32.getAcquire(registers, offset);
    }

    /**
     * An opaque 32-bit write.
     *
     * @param offset the register's byte offset in the block
     * @param value the value to write
     */
    public void write32(long offset, int value) {
        check(offset, Integer.BYTES, Integer.BYTES);
        U32.setOpaque(registers, offset, value);
    }

    /**
     * A 32-bit write that no earlier store moves below: a doorbell.
     *
     * @param offset the register's byte offset in the block
     * @param value the value to write
     */
    public void write32Release(long offset, int value) {
        check(offset, Integer.BYTES, Integer.BYTES);
        U32.setRelease(registers, offset, value);
    }

    // ---- 64-bit, one access ----

    /**
     * An opaque 64-bit read as one 8-byte access ({@code offset} 8-byte aligned).
     *
     * @param offset the register's byte offset in the block
     * @return the value
     */
    public long read64(long offset) {
        check(offset, Long.BYTES, Long.BYTES);
        return (long) U64.getOpaque(registers, offset);
    }

    /**
     * A 64-bit read as one 8-byte access that no later load moves above.
     *
     * @param offset the register's byte offset in the block
     * @return the value
     */
    public long read64Acquire(long offset) {
        check(offset, Long.BYTES, Long.BYTES);
        return (long) U64.getAcquire(registers, offset);
    }

    /**
     * An opaque 64-bit write as one 8-byte access ({@code offset} 8-byte aligned).
     *
     * @param offset the register's byte offset in the block
     * @param value the value to write
     */
    public void write64(long offset, long value) {
        check(offset, Long.BYTES, Long.BYTES);
        U64.setOpaque(registers, offset, value);
    }

    /**
     * A 64-bit write as one 8-byte access that no earlier store moves below: a "start" register.
     *
     * @param offset the register's byte offset in the block
     * @param value the value to write
     */
    public void write64Release(long offset, long value) {
        check(offset, Long.BYTES, Long.BYTES);
        U64.setRelease(registers, offset, value);
    }

    // ---- 64-bit, two 32-bit halves ----

    /**
     * A 64-bit register as two opaque 32-bit reads, low half first ({@code offset} 4-byte aligned).
     *
     * @param offset the register's byte offset in the block
     * @return the value
     */
    public long read64AsHalves(long offset) {
        check(offset, Long.BYTES, Integer.BYTES);
        long low = Integer.toUnsignedLong((int) U32.getOpaque(registers, offset));
        long high = Integer.toUnsignedLong((int) U32.getOpaque(registers, offset + Integer.BYTES));
        return high << Integer.SIZE | low;
    }

    /**
     * A 64-bit register as two opaque 32-bit writes, low half first ({@code offset} 4-byte aligned).
     *
     * @param offset the register's byte offset in the block
     * @param value the value to write
     */
    public void write64AsHalves(long offset, long value) {
        check(offset, Long.BYTES, Integer.BYTES);
        U32.setOpaque(registers, offset, (int) value);
        U32.setOpaque(registers, offset + Integer.BYTES, (int) (value >>> Integer.SIZE));
    }

    // ---- waits ----

    /**
     * Waits until {@code (register & mask) == expected} for the 32-bit register at {@code offset}.
     *
     * @param offset the register's byte offset in the block
     * @param mask the bits that are tested
     * @param expected the value the masked bits must have
     * @param timeoutNanos the longest wait, in nanoseconds
     * @return true once it holds (at once if it already does), false if {@code timeoutNanos} passed first
     * @throws IllegalArgumentException for a bad offset, a negative timeout, or an {@code expected}
     *                                  with bits outside {@code mask} (it could never match)
     */
    public boolean await32(long offset, int mask, int expected, long timeoutNanos) {
        check(offset, Integer.BYTES, Integer.BYTES);
        checkTimeout(timeoutNanos);
        if ((expected & ~mask) != 0) {
            throw new IllegalArgumentException(subject + ": expected 0x" + Integer.toHexString(expected)
                + " has bits outside mask 0x" + Integer.toHexString(mask) + " and can never match");
        }
        // Sign-extending register, mask and expected alike keeps (register & mask) == expected exact.
        return poll(offset, Integer.BYTES, mask, expected, false, timeoutNanos);
    }

    /**
     * Waits until {@code (register & mask) == expected} for the 64-bit register at {@code offset},
     * read as one 8-byte access.
     *
     * @param offset the register's byte offset in the block
     * @param mask the bits that are tested
     * @param expected the value the masked bits must have
     * @param timeoutNanos the longest wait, in nanoseconds
     * @return true once it holds (at once if it already does), false if {@code timeoutNanos} passed first
     * @throws IllegalArgumentException for a bad offset, a negative timeout, or an {@code expected}
     *                                  with bits outside {@code mask} (it could never match)
     */
    public boolean await64(long offset, long mask, long expected, long timeoutNanos) {
        check(offset, Long.BYTES, Long.BYTES);
        checkTimeout(timeoutNanos);
        if ((expected & ~mask) != 0) {
            throw new IllegalArgumentException(subject + ": expected 0x" + Long.toHexString(expected)
                + " has bits outside mask 0x" + Long.toHexString(mask) + " and can never match");
        }
        return poll(offset, Long.BYTES, mask, expected, false, timeoutNanos);
    }

    /**
     * {@link #await32} for every bit of {@code mask} clear.
     *
     * @param offset the register's byte offset in the block
     * @param mask the bits that are tested
     * @param timeoutNanos the longest wait, in nanoseconds
     * @return true if the bits cleared in time, false on timeout
     */
    public boolean awaitClear32(long offset, int mask, long timeoutNanos) {
        return await32(offset, mask, 0, timeoutNanos);
    }

    /**
     * {@link #await64} for every bit of {@code mask} clear.
     *
     * @param offset the register's byte offset in the block
     * @param mask the bits that are tested
     * @param timeoutNanos the longest wait, in nanoseconds
     * @return true if the bits cleared in time, false on timeout
     */
    public boolean awaitClear64(long offset, long mask, long timeoutNanos) {
        return await64(offset, mask, 0, timeoutNanos);
    }

    /**
     * Waits until at least one bit of {@code mask} is set in the 32-bit register at {@code offset}
     * (e.g. "ready or failed"); which one, the caller reads afterwards.
     *
     * @param offset the register's byte offset in the block
     * @param mask the bits that are tested
     * @param timeoutNanos the longest wait, in nanoseconds
     * @return true once one is set, false if {@code timeoutNanos} passed first
     * @throws IllegalArgumentException for a bad offset, a negative timeout or an empty mask
     */
    public boolean awaitAnySet32(long offset, int mask, long timeoutNanos) {
        check(offset, Integer.BYTES, Integer.BYTES);
        checkTimeout(timeoutNanos);
        if (mask == 0) {
            throw new IllegalArgumentException(subject + ": awaiting any bit of an empty mask at offset 0x"
                + Long.toHexString(offset) + " can never succeed");
        }
        return poll(offset, Integer.BYTES, mask, 0, true, timeoutNanos);
    }

    /**
     * The wait loop, arguments already checked: reads (acquire) until {@code (register & mask)}
     * is non-zero ({@code anyBitSet}) or equals {@code expected}, pausing between reads.
     */
    private boolean poll(long offset, int widthBytes, long mask, long expected, boolean anyBitSet, long timeoutNanos) {
        long startNanos = System.nanoTime();
        while (true) {
            long bits = (widthBytes == Long.BYTES ? (long) U64.getAcquire(registers, offset)
                : (int) U32.getAcquire(registers, offset)) & mask;
            if (anyBitSet ? bits != 0 : bits == expected) {
                return true;
            }
            long remainingNanos = timeoutNanos - (System.nanoTime() - startNanos);
            if (remainingNanos <= 0) {
                return false;
            }
            // Never park past the deadline: a timeout that ends mid-pause still gets one last read.
            LockSupport.parkNanos(Math.min(pollPauseNanos, remainingNanos));
        }
    }

    private void check(long offset, int widthBytes, int alignBytes) {
        if (offset < 0 || offset > sizeBytes - widthBytes || offset % alignBytes != 0) {
            throw badOffset(offset, widthBytes, alignBytes);
        }
    }

    private IllegalArgumentException badOffset(long offset, int widthBytes, int alignBytes) {
        String offsetText = offset < 0 ? "-0x" + Long.toHexString(-offset) : "0x" + Long.toHexString(offset);
        String why = offset % alignBytes != 0 ? "not " + alignBytes + "-byte aligned"
            : "outside the " + sizeBytes + "-byte register block";
        return new IllegalArgumentException(subject + ": register offset " + offsetText + " (" + widthBytes * 8
            + "-bit) is " + why);
    }

    private void checkTimeout(long timeoutNanos) {
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException(subject + ": timeoutNanos " + timeoutNanos + " is negative");
        }
    }

    @Override
    public String toString() {
        return "MmioRegisters[" + subject + ", " + sizeBytes + " bytes]";
    }
}
