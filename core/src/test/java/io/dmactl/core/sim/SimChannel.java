package io.dmactl.core.sim;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.dmactl.core.sim.SimRing.*;

/** Driver side of one simulated channel: submission ring, doorbell, completion queue. */
final class SimChannel implements DmaChannel {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final int index;
    private final int capacity;
    private final long mask;
    private final MemorySegment sq;
    private final MemorySegment cq;
    private final MemorySegment registers;
    private final SimInterrupt interrupt;
    private final SimDevice device;
    private final SimControl control;
    private long tail;
    private long published;
    private long cqHead;
    private int outstanding;

    SimChannel(int index, int capacity, MemorySegment sq, MemorySegment cq, MemorySegment registers,
               SimInterrupt interrupt, SimDevice device, SimControl control) {
        this.index = index;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.sq = sq;
        this.cq = cq;
        this.registers = registers;
        this.interrupt = interrupt;
        this.device = device;
        this.control = control;
    }

    @Override
    public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        return write(srcAddress, dstAddress, lengthBytes, SimRing.control(OP_COPY, (flags & FLAG_FENCE) != 0, srcSpace, dstSpace), flags);
    }

    @Override
    public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        return write(pattern, dstAddress, lengthBytes, SimRing.control(OP_FILL, (flags & FLAG_FENCE) != 0, 0, dstSpace), flags);
    }

    @Override
    public long enqueueCompare(int aSpace, long aAddress, int bSpace, long bAddress, int lengthBytes, int flags) {
        return write(aAddress, bAddress, lengthBytes, SimRing.control(OP_COMPARE, (flags & FLAG_FENCE) != 0, aSpace, bSpace), flags);
    }

    @Override
    public long enqueueComparePattern(long pattern, int space, long address, int lengthBytes, int flags) {
        return write(pattern, address, lengthBytes, SimRing.control(OP_COMPARE_PATTERN, (flags & FLAG_FENCE) != 0, 0, space), flags);
    }

    @Override
    public long enqueueCrc32c(int space, long address, int lengthBytes, int seed, int flags) {
        return write(0, address, lengthBytes, SimRing.control(OP_CRC32C, (flags & FLAG_FENCE) != 0, 0, space), flags,
            Integer.toUnsignedLong(seed), 0);
    }

    @Override
    public long enqueueDualcast(int srcSpace, long srcAddress, int dst1Space, long dst1Address, int dst2Space, long dst2Address,
                                int lengthBytes, int flags) {
        return write(srcAddress, dst1Address, lengthBytes,
            SimRing.control(OP_DUALCAST, (flags & FLAG_FENCE) != 0, srcSpace, dst1Space), flags, dst2Address, dst2Space);
    }

    private long write(long src, long dst, int length, int ctrl, int flags) {
        return write(src, dst, length, ctrl, flags, 0, 0);
    }

    private long write(long src, long dst, int length, int ctrl, int flags, long aux, int auxSpace) {
        if (outstanding == capacity) {
            return NO_SPACE;
        }
        long ticket = tail;
        long at = (ticket & mask) * SQE_BYTES;
        sq.set(ValueLayout.JAVA_LONG, at + SQE_SRC, src);
        sq.set(ValueLayout.JAVA_LONG, at + SQE_DST, dst);
        sq.set(ValueLayout.JAVA_INT, at + SQE_LENGTH, length);
        sq.set(ValueLayout.JAVA_INT, at + SQE_CONTROL, ctrl);
        sq.set(ValueLayout.JAVA_LONG, at + SQE_TICKET, ticket);
        sq.set(ValueLayout.JAVA_LONG, at + SQE_AUX, aux);
        sq.set(ValueLayout.JAVA_INT, at + SQE_AUX_SPACE, auxSpace);
        tail = ticket + 1;
        outstanding++;
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
        control.visible.addAndGet(t - published);
        control.doorbells.incrementAndGet();
        published = t;
        LONG.setRelease(registers, REG_DOORBELL, t); // entries above before the doorbell
        VarHandle.fullFence(); // doorbell store before the sleeping load
        if ((int) INT.getVolatile(registers, REG_SLEEPING) != 0) {
            device.wake();
        }
    }

    @Override
    public int poll(CompletionBatch out) {
        out.clear();
        long cqTail = (long) LONG.getAcquire(registers, REG_CQ_TAIL);
        int n = 0;
        while (cqHead < cqTail && out.remaining() > 0) {
            long at = (cqHead & mask) * CQE_BYTES;
            out.add(cq.get(ValueLayout.JAVA_LONG, at + CQE_TICKET), cq.get(ValueLayout.JAVA_INT, at + CQE_STATUS),
                cq.get(ValueLayout.JAVA_INT, at + CQE_CODE), cq.get(ValueLayout.JAVA_LONG, at + CQE_RESULT));
            cqHead++;
            outstanding--;
            n++;
        }
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

    @Override
    public CompletionInterrupt interrupt() {
        return interrupt;
    }

    /** Reset: device halted, owner paused; forget everything. */
    void restart() {
        outstanding = 0;
        published = tail;
        cqHead = 0;
        LONG.setRelease(registers, REG_CQ_TAIL, 0L);
        LONG.setRelease(registers, REG_DOORBELL, tail);
        device.resume(tail);
    }
}
