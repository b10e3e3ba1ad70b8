package io.dmactl.provider.cpu;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;

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
 * on the spot). Why a base class and not a ring object the channel delegates to: the state lives
 * in the channel object itself, so every acquire/release here (which makes the JIT reload fields)
 * costs one load, not a load of the delegate and then its field; at 4-16 ns per op that showed.
 */
public abstract class DescriptorRingChannel implements DmaChannel {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment descriptors;
    private final MemorySegment statuses;
    private final MemorySegment registers;
    private final long mask;
    private final int capacity;
    private long tail;
    private long published;
    private long harvested;

    protected DescriptorRingChannel(RingMemory memory) {
        this.descriptors = memory.descriptors();
        this.statuses = memory.statuses();
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
     */
    protected abstract void doorbellRung(long doorbell);

    @Override
    public final int poll(CompletionBatch out) {
        out.clear();
        // Acquire: the device wrote each status before its release store of COMPLETED.
        long completed = (long) LONG.getAcquire(registers, REG_COMPLETED);
        long from = harvested;
        int n = (int) Math.min(completed - from, out.capacity());
        for (int i = 0; i < n; i++) {
            long ticket = from + i;
            out.add(ticket, statuses.get(ValueLayout.JAVA_INT, (ticket & mask) * STATUS_BYTES), 0);
        }
        harvested = from + n;
        return n;
    }

    @Override
    public final int capacity() {
        return capacity;
    }

    /**
     * Device stopped, owner paused (engine reset): drops everything enqueued so far, which will
     * never be reported, and moves both the doorbell and COMPLETED to the current tail.
     *
     * @return the ticket both sides restart at; the device must resume from it
     */
    protected final long restartRing() {
        long t = tail;
        harvested = t;
        published = t;
        LONG.setRelease(registers, REG_DOORBELL, t);
        LONG.setRelease(registers, REG_COMPLETED, t);
        return t;
    }

    /** The descriptor array, for a device side that reads it. */
    protected final MemorySegment descriptors() {
        return descriptors;
    }

    protected final MemorySegment statuses() {
        return statuses;
    }

    protected final MemorySegment registers() {
        return registers;
    }
}
