package io.dmactl.provider.cpu;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.dmactl.provider.cpu.CpuDescriptor.*;

/**
 * The producer (driver) side of a channel over a software descriptor ring ({@link RingMemory}):
 * writes descriptors with plain stores, publishes them with a release store of the doorbell
 * register, and harvests statuses after an acquire load of the completion register. Tickets are
 * consecutive; {@link #NO_SPACE} once {@link #capacity()} ops are unharvested; descriptors the
 * device cannot run get the INVALID opcode. Single owner thread, nothing allocated.
 *
 * <p>Subclasses add only the device side: {@link #doorbellRung} runs after every doorbell that
 * moved (the cpu engine nudges its executor; the benchmarks' no-op engine completes everything
 * on the spot).
 *
 * <p>The device side is this process's own code, yet what it hands back is checked like a
 * device's: COMPLETED must lie between what was harvested and what was published (otherwise poll
 * reports nothing, counts it and {@link #ringFault} reports it until {@link #restartRing}, for
 * the engine's {@code fatalCondition()}), and a status outside SUCCESS..INVALID, or TIMEOUT (which
 * only the core sets), is reported DEVICE_ERROR with the raw value as device code, and counted.
 * Two comparisons per poll that finds something and one per op; nothing allocated.
 *
 * <p>Why a base class and not a ring object the channel delegates to: the state lives
 * in the channel object itself, so every acquire/release here (which makes the JIT reload fields)
 * costs one load, not a load of the delegate and then its field; at 4-16 ns per op that showed.
 */
public abstract class DescriptorRingChannel implements DmaChannel {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment descriptors;
    private final MemorySegment statuses;
    private final MemorySegment results;
    private final MemorySegment registers;
    private final long mask;
    private final int capacity;
    private long tail;
    private long published;
    private long harvested;

    // ---- off the hot path: written only when the device side hands back something impossible ----
    private volatile long badCompletedCount;
    private volatile long badStatusCount;
    /** Set by an impossible COMPLETED since the last restart; publishes the three fields below. */
    private volatile boolean badCompletedSeen;
    private long badCompleted;
    private long badHarvested;
    private long badPublished;
    private String faultMessage;

    /**
     * A channel over {@code memory}, which holds its descriptors, statuses, results and registers.
     *
     * @param memory the ring's memory
     */
    protected DescriptorRingChannel(RingMemory memory) {
        this.descriptors = memory.descriptors();
        this.statuses = memory.statuses();
        this.results = memory.results();
        this.registers = memory.registers();
        this.capacity = memory.capacity();
        this.mask = capacity - 1;
    }

    @Override
    public final long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        int opcode = srcSpace == SPACE_BUS && dstSpace == SPACE_BUS && lengthBytes > 0 ? OP_COPY : OP_INVALID;
        return write(srcAddress, dstAddress, lengthBytes, opcode, flags);
    }

    @Override
    public final long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        int opcode = dstSpace == SPACE_BUS && lengthBytes > 0 ? OP_FILL : OP_INVALID;
        return write(pattern, dstAddress, lengthBytes, opcode, flags);
    }

    @Override
    public final long enqueueCompare(int aSpace, long aAddress, int bSpace, long bAddress, int lengthBytes, int flags) {
        int opcode = aSpace == SPACE_BUS && bSpace == SPACE_BUS && lengthBytes > 0 ? OP_COMPARE : OP_INVALID;
        return write(aAddress, bAddress, lengthBytes, opcode, flags);
    }

    @Override
    public final long enqueueComparePattern(long pattern, int space, long address, int lengthBytes, int flags) {
        int opcode = space == SPACE_BUS && lengthBytes > 0 ? OP_COMPARE_PATTERN : OP_INVALID;
        return write(pattern, address, lengthBytes, opcode, flags);
    }

    @Override
    public final long enqueueCrc32c(int space, long address, int lengthBytes, int seed, int flags) {
        int opcode = space == SPACE_BUS && lengthBytes > 0 ? OP_CRC32C : OP_INVALID;
        return write(address, 0, lengthBytes, opcode, flags, Integer.toUnsignedLong(seed));
    }

    @Override
    public final long enqueueDualcast(int srcSpace, long srcAddress, int dst1Space, long dst1Address, int dst2Space,
                                      long dst2Address, int lengthBytes, int flags) {
        int opcode = srcSpace == SPACE_BUS && dst1Space == SPACE_BUS && dst2Space == SPACE_BUS && lengthBytes > 0
            ? OP_DUALCAST : OP_INVALID;
        return write(srcAddress, dst1Address, lengthBytes, opcode, flags, dst2Address);
    }

    /** A descriptor with an AUX word (the others leave it as it is: their opcodes never read it). */
    private long write(long srcOrPattern, long dst, int lengthBytes, int opcode, int flags, long aux) {
        long ticket = tail;
        if (ticket - harvested == capacity) {
            return NO_SPACE;
        }
        descriptors.set(ValueLayout.JAVA_LONG, (ticket & mask) * BYTES + AUX, aux); // plain: ordered by submit() like the rest
        return write(srcOrPattern, dst, lengthBytes, opcode, flags);
    }

    private long write(long srcOrPattern, long dst, int lengthBytes, int opcode, int flags) {
        long ticket = tail;
        if (ticket - harvested == capacity) {
            return NO_SPACE;
        }
        long at = (ticket & mask) * BYTES;
        // Plain stores: the descriptor body is ordered before the doorbell by submit()'s release store.
        descriptors.set(ValueLayout.JAVA_LONG, at + SRC_OR_PATTERN, srcOrPattern);
        descriptors.set(ValueLayout.JAVA_LONG, at + DST, dst);
        descriptors.set(ValueLayout.JAVA_INT, at + LENGTH, lengthBytes);
        descriptors.set(ValueLayout.JAVA_INT, at + CONTROL, opcode | ((flags & FLAG_FENCE) != 0 ? CONTROL_FENCE : 0));
        tail = ticket + 1;
        if ((flags & FLAG_SUBMIT) != 0) {
            submit();
        }
        return ticket;
    }

    @Override
    public final void submit() {
        long t = tail;
        if (t == published) {
            return;
        }
        published = t;
        // Release: every descriptor store above happens-before the device's acquire of the doorbell.
        LONG.setRelease(registers, REG_DOORBELL, t);
        doorbellRung(t);
    }

    /**
     * Device side, on the owner thread right after the doorbell moved to {@code doorbell}. Keep it
     * small: it is inlined into every submit.
     *
     * @param doorbell the new producer index
     */
    protected abstract void doorbellRung(long doorbell);

    @Override
    public final int poll(CompletionBatch out) {
        out.clear();
        // Acquire: the device wrote each status before its release store of COMPLETED.
        long completed = (long) LONG.getAcquire(registers, REG_COMPLETED);
        long from = harvested;
        long ready = completed - from;
        if (ready == 0) {
            return 0; // nothing new: no other line the device writes is touched
        }
        if (ready < 0 || ready > published - from) {
            impossibleCompleted(completed, from);
            return 0;
        }
        int n = (int) Math.min(ready, out.capacity());
        for (int i = 0; i < n; i++) {
            long ticket = from + i;
            int status = statuses.get(ValueLayout.JAVA_INT, (ticket & mask) * STATUS_BYTES);
            if (status == OpStatus.TIMEOUT || Integer.compareUnsigned(status, OpStatus.INVALID) > 0) {
                badStatusCount++; // single writer: the owner thread
                out.add(ticket, OpStatus.DEVICE_ERROR, status);
            } else {
                out.add(ticket, status, 0, results.get(ValueLayout.JAVA_LONG, (ticket & mask) * RESULT_BYTES));
            }
        }
        harvested = from + n;
        return n;
    }

    private void impossibleCompleted(long completed, long from) {
        if (!badCompletedSeen) {
            badCompleted = completed;
            badHarvested = from;
            badPublished = published;
        }
        badCompletedCount++; // single writer: the owner thread
        badCompletedSeen = true;
    }

    /**
     * Null while COMPLETED has stayed within harvested..published since the last restart (a field
     * read, nothing allocated); else why the ring needs a reset, built once. Any thread.
     *
     * @param owner names the channel in the message
     * @return null, or why the ring needs a reset
     */
    public final String ringFault(String owner) {
        if (!badCompletedSeen) {
            return null;
        }
        String m = faultMessage;
        if (m == null) {
            m = owner + " channel " + index() + ": COMPLETED reads " + badCompleted + " with tickets " + badHarvested
                + " (harvested) to " + badPublished + " (published) outstanding; " + badCompletedCount
                + " such read(s); the ring needs a reset";
            faultMessage = m;
        }
        return m;
    }

    /**
     * Polls that found COMPLETED outside harvested..published (survives restarts).
     *
     * @return the count
     */
    public final long badCompletedCount() {
        return badCompletedCount;
    }

    /**
     * Statuses outside what a device may report, reported as DEVICE_ERROR (survives restarts).
     *
     * @return the count
     */
    public final long badStatusCount() {
        return badStatusCount;
    }

    @Override
    public final int capacity() {
        return capacity;
    }

    /**
     * Device stopped, owner paused (engine reset): drops everything enqueued so far, which will
     * never be reported, and moves both the doorbell and COMPLETED to the current tail; a
     * {@link #ringFault} clears (the counts stay).
     *
     * @return the ticket both sides restart at; the device must resume from it
     */
    protected final long restartRing() {
        long t = tail;
        harvested = t;
        published = t;
        faultMessage = null;
        badCompletedSeen = false;
        LONG.setRelease(registers, REG_DOORBELL, t);
        LONG.setRelease(registers, REG_COMPLETED, t);
        return t;
    }

    /**
     * The descriptor array, for a device side that reads it.
     *
     * @return the descriptor array
     */
    protected final MemorySegment descriptors() {
        return descriptors;
    }

    /**
     * The status array, one int per ring slot, for the device side that writes it.
     *
     * @return the status array
     */
    protected final MemorySegment statuses() {
        return statuses;
    }

    /**
     * The result array, one long per ring slot, for the device side that writes it.
     *
     * @return the result array
     */
    protected final MemorySegment results() {
        return results;
    }

    /**
     * The register block (see {@link CpuDescriptor}), for the device side.
     *
     * @return the register block
     */
    protected final MemorySegment registers() {
        return registers;
    }
}
