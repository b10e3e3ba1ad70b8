package io.dmactl.bench;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.dmactl.bench.NoopRing.*;

/**
 * A channel whose "hardware" finishes every op the moment the doorbell rings, on the submitting
 * thread, without moving a byte: what is left to measure is the channel API itself (descriptor
 * stores, doorbell release, completion acquire, status harvest), the way a driver pays for it.
 *
 * <p>Bookkeeping is that of a real ring: consecutive tickets, {@link #NO_SPACE} once
 * {@link #capacity()} ops are unharvested, descriptors the device cannot run complete INVALID.
 * Benchmark-only: it reports SUCCESS for copies and fills it never performed.
 */
final class NoopChannel implements DmaChannel {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    // ---- hot: owner thread ----
    private final MemorySegment ring;
    private final MemorySegment status;
    private final MemorySegment registers;
    private final long mask;
    private final int capacity;
    private long tail;
    private long published;
    private long harvested;
    /** Device side: the next ticket the device will complete. */
    private long deviceHead;

    // ---- below here: not on the I/O path ----
    private final int index;

    NoopChannel(int index, MemorySegment ring, MemorySegment status, MemorySegment registers, int capacity) {
        this.index = index;
        this.ring = ring;
        this.status = status;
        this.registers = registers;
        this.capacity = capacity;
        this.mask = capacity - 1;
    }

    @Override
    public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        int opcode = srcSpace == SPACE_BUS && dstSpace == SPACE_BUS && lengthBytes > 0 ? OP_COPY : OP_INVALID;
        return write(srcAddress, dstAddress, lengthBytes, opcode, flags);
    }

    @Override
    public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        int opcode = dstSpace == SPACE_BUS && lengthBytes > 0 ? OP_FILL : OP_INVALID;
        return write(pattern, dstAddress, lengthBytes, opcode, flags);
    }

    private long write(long srcOrPattern, long dst, int lengthBytes, int opcode, int flags) {
        long ticket = tail;
        if (ticket - harvested == capacity) {
            return NO_SPACE;
        }
        long at = (ticket & mask) * DESCRIPTOR_BYTES;
        // Plain stores: submit()'s release store of the doorbell orders them before the device's reads.
        ring.set(ValueLayout.JAVA_LONG, at + SRC_OR_PATTERN, srcOrPattern);
        ring.set(ValueLayout.JAVA_LONG, at + DST, dst);
        ring.set(ValueLayout.JAVA_INT, at + LENGTH, lengthBytes);
        ring.set(ValueLayout.JAVA_INT, at + CONTROL, opcode | ((flags & FLAG_FENCE) != 0 ? CONTROL_FENCE : 0));
        tail = ticket + 1;
        if ((flags & FLAG_SUBMIT) != 0) {
            submit();
        }
        return ticket;
    }

    @Override
    public void submit() {
        long t = tail;
        if (t == published) {
            return;
        }
        published = t;
        // Release: the descriptor stores above happen-before the device's acquire of the doorbell.
        LONG.setRelease(registers, REG_DOORBELL, t);
        completeAll();
    }

    /** The "device": completes everything up to the doorbell at once. */
    private void completeAll() {
        // Acquire: pairs with the doorbell release above, as a device's fetch would.
        long doorbell = (long) LONG.getAcquire(registers, REG_DOORBELL);
        for (long ticket = deviceHead; ticket != doorbell; ticket++) {
            int opcode = ring.get(ValueLayout.JAVA_INT, (ticket & mask) * DESCRIPTOR_BYTES + CONTROL) & OP_MASK;
            int result = opcode == OP_INVALID ? OpStatus.INVALID : OpStatus.SUCCESS;
            status.set(ValueLayout.JAVA_INT, (ticket & mask) * STATUS_BYTES, result);
        }
        deviceHead = doorbell;
        // Release: each status store above happens-before poll()'s acquire of COMPLETED.
        LONG.setRelease(registers, REG_COMPLETED, doorbell);
    }

    @Override
    public int poll(CompletionBatch out) {
        out.clear();
        // Acquire: the device wrote each status before its release store of COMPLETED.
        long completed = (long) LONG.getAcquire(registers, REG_COMPLETED);
        long from = harvested;
        int n = (int) Math.min(completed - from, out.capacity());
        for (int i = 0; i < n; i++) {
            long ticket = from + i;
            out.add(ticket, status.get(ValueLayout.JAVA_INT, (ticket & mask) * STATUS_BYTES), 0);
        }
        harvested = from + n;
        return n;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int index() {
        return index;
    }

    /** No interrupts: the owner polls. */
    @Override
    public CompletionInterrupt interrupt() {
        return null;
    }

    /** Engine reset: drop what is unharvested (never reported) and restart at the current tail. */
    void restart() {
        long t = tail;
        harvested = t;
        published = t;
        deviceHead = t;
        LONG.setRelease(registers, REG_DOORBELL, t);
        LONG.setRelease(registers, REG_COMPLETED, t);
    }
}
