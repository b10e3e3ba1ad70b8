package io.dmactl.provider.cpu;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.dmactl.provider.cpu.CpuDescriptor.*;

/**
 * The producer side of one cpu-engine channel: writes descriptors into the native ring with plain
 * stores, publishes them with a release store of the doorbell register, and harvests completions
 * after an acquire load of the completion register. Single owner thread, nothing allocated.
 */
final class CpuChannel implements DmaChannel {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    // ---- hot: owner thread ----
    private final MemorySegment ring;
    private final MemorySegment status;
    private final MemorySegment registers;
    private final long mask;
    private final int capacity;
    private long tail;
    private long published;
    private long harvested;

    // ---- below here: not on the I/O path ----
    private final int index;
    private final SoftInterrupt interrupt;
    private final CpuExecutor executor;

    CpuChannel(int index, MemorySegment ring, MemorySegment status, MemorySegment registers, int capacity,
               SoftInterrupt interrupt, CpuExecutor executor) {
        this.index = index;
        this.ring = ring;
        this.status = status;
        this.registers = registers;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.interrupt = interrupt;
        this.executor = executor;
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
        long at = (ticket & mask) * BYTES;
        // Plain stores: the descriptor body is ordered before the doorbell by submit()'s release store.
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
        // Release: every descriptor store above happens-before the executor's acquire of the doorbell.
        LONG.setRelease(registers, REG_DOORBELL, t);
        // Store-load barrier: the doorbell store must be visible before we read SLEEPING, or an
        // executor that checked the doorbell just before our store could park and miss it.
        VarHandle.fullFence();
        if ((int) INT.getVolatile(registers, REG_SLEEPING) != 0) {
            executor.wake();
        }
    }

    @Override
    public int poll(CompletionBatch out) {
        out.clear();
        // Acquire: the executor wrote each status before its release store of COMPLETED.
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

    @Override
    public CompletionInterrupt interrupt() {
        return interrupt;
    }

    /**
     * Engine reset, executor halted, owner paused: drop everything enqueued so far (it will never
     * be reported) and restart both sides at the current tail.
     */
    void restartAfterHalt() {
        long t = tail;
        harvested = t;
        published = t;
        LONG.setRelease(registers, REG_DOORBELL, t);
        LONG.setRelease(registers, REG_COMPLETED, t);
        executor.resume(t);
    }
}
