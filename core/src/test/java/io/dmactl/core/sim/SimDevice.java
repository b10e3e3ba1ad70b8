package io.dmactl.core.sim;

import io.dmactl.core.spi.OpStatus;
import io.dmactl.core.spi.SoftwareOps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static io.dmactl.core.sim.SimRing.*;

/**
 * The "hardware" of one simulated channel: a thread that fetches every descriptor the doorbell
 * published, executes them (in reverse order inside each fence-free group when reordering is
 * on, so only FENCE guarantees order), reads and writes memory through the fake IOMMU (a miss is
 * a TRANSFER_FAULT, as is a bus address beyond the device's DMA mask), and posts completion
 * entries. Faults, hangs, delays and wrong-way writes come from {@link SimControl}.
 */
final class SimDevice implements Runnable {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final SimConfig config;
    private final SimControl control;
    private final FakeIommuDomain domain;
    private final MemorySegment sram;
    private final MemorySegment sq;
    private final MemorySegment cq;
    private final MemorySegment registers;
    private final SimInterrupt interrupt;
    private final long mask;
    /** The highest bus address the device can emit (its DMA mask). */
    private final long dmaLimit;
    private final long[] src;
    private final long[] dst;
    private final int[] length;
    private final int[] ctrl;
    private final long[] ticket;
    private final long[] aux;
    private final int[] auxSpace;
    private final int[] order;
    /** Device thread only: the result value of the op {@link #execute} just ran. */
    private long result;
    private final Thread thread;
    private volatile boolean stop;
    /** Driver to device: the latest halt/run request. Device to driver: the epoch of the last halt obeyed. */
    private volatile Control request = Control.INITIAL;
    private volatile long haltedEpoch;
    /** Device thread only: the request acted upon. Driver only (engine lock): the last epoch issued. */
    private Control applied = Control.INITIAL;
    private long issuedEpoch;

    /** A halt is acknowledged by its own epoch, never by an earlier halt's state; a run carries the restart ticket. */
    private record Control(long epoch, boolean halt, long head) {
        static final Control INITIAL = new Control(0, false, 0);
    }

    SimDevice(String name, SimConfig config, SimControl control, FakeIommuDomain domain, MemorySegment sram,
              MemorySegment sq, MemorySegment cq, MemorySegment registers, SimInterrupt interrupt) {
        this.config = config;
        this.control = control;
        this.domain = domain;
        this.sram = sram;
        this.sq = sq;
        this.cq = cq;
        this.registers = registers;
        this.interrupt = interrupt;
        int capacity = config.ringSize();
        this.mask = capacity - 1;
        this.dmaLimit = config.dmaMaskBits() >= 64 ? -1L : (1L << config.dmaMaskBits()) - 1;
        src = new long[capacity];
        dst = new long[capacity];
        length = new int[capacity];
        ctrl = new int[capacity];
        ticket = new long[capacity];
        aux = new long[capacity];
        auxSpace = new int[capacity];
        order = new int[capacity];
        thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        long head = 0;
        long cqTail = 0;
        while (!stop) {
            Control c = request;
            if (c != applied) {
                applied = c;
                if (c.halt()) {
                    haltedEpoch = c.epoch(); // volatile: every completion posted so far is visible first
                    while (request == c && !stop) {
                        LockSupport.parkNanos(this, 1_000_000L);
                    }
                } else {
                    head = c.head();
                    cqTail = 0;
                }
                continue;
            }
            long[] unasked = control.unaskedCompletions.poll();
            if (unasked != null) {
                for (int i = 1; i < unasked.length; i++) {
                    long at = (cqTail & mask) * CQE_BYTES;
                    cq.set(ValueLayout.JAVA_LONG, at + CQE_TICKET, unasked[i]);
                    cq.set(ValueLayout.JAVA_INT, at + CQE_STATUS, (int) unasked[0]);
                    cq.set(ValueLayout.JAVA_INT, at + CQE_CODE, 0);
                    cq.set(ValueLayout.JAVA_LONG, at + CQE_RESULT, 0);
                    cqTail++;
                }
                LONG.setRelease(registers, REG_CQ_TAIL, cqTail); // entries before the tail
                interrupt.raise();
                continue;
            }
            if (control.hold || control.hung) {
                LockSupport.parkNanos(this, 100_000L);
                continue;
            }
            long doorbell = (long) LONG.getAcquire(registers, REG_DOORBELL);
            if (doorbell == head) {
                INT.setVolatile(registers, REG_SLEEPING, 1);
                if ((long) LONG.getVolatile(registers, REG_DOORBELL) == head && request == applied && !stop) {
                    LockSupport.parkNanos(this, 2_000_000L);
                }
                INT.setVolatile(registers, REG_SLEEPING, 0);
                continue;
            }
            int n = (int) (doorbell - head);
            for (int i = 0; i < n; i++) {
                long at = ((head + i) & mask) * SQE_BYTES;
                src[i] = sq.get(ValueLayout.JAVA_LONG, at + SQE_SRC);
                dst[i] = sq.get(ValueLayout.JAVA_LONG, at + SQE_DST);
                length[i] = sq.get(ValueLayout.JAVA_INT, at + SQE_LENGTH);
                ctrl[i] = sq.get(ValueLayout.JAVA_INT, at + SQE_CONTROL);
                ticket[i] = sq.get(ValueLayout.JAVA_LONG, at + SQE_TICKET);
                aux[i] = sq.get(ValueLayout.JAVA_LONG, at + SQE_AUX);
                auxSpace[i] = sq.get(ValueLayout.JAVA_INT, at + SQE_AUX_SPACE);
            }
            head = doorbell;
            control.fetched.addAndGet(n);
            planOrder(n);
            for (int k = 0; k < n; k++) {
                if (decrementIfPositive(control.hangNext)) {
                    control.hung = true;
                    while (request == applied && !stop) {
                        LockSupport.parkNanos(this, 1_000_000L); // hung: only a reset gets us out
                    }
                    break;
                }
                if (request != applied) {
                    break;
                }
                long delay = control.delayNanosPerOp;
                if (delay > 0) {
                    LockSupport.parkNanos(delay);
                }
                int i = order[k];
                result = 0;
                int status = execute(i);
                long at = (cqTail & mask) * CQE_BYTES;
                cq.set(ValueLayout.JAVA_LONG, at + CQE_TICKET, ticket[i]);
                cq.set(ValueLayout.JAVA_INT, at + CQE_STATUS, status);
                cq.set(ValueLayout.JAVA_INT, at + CQE_CODE, status == OpStatus.DEVICE_ERROR ? control.errorCode : 0);
                cq.set(ValueLayout.JAVA_LONG, at + CQE_RESULT, status == OpStatus.SUCCESS ? result : 0);
                cqTail++;
                LONG.setRelease(registers, REG_CQ_TAIL, cqTail); // entry before the tail
                control.executed.incrementAndGet();
                interrupt.raiseIfWaiting();
            }
            interrupt.raise();
        }
    }

    /** Groups split before each fenced op; inside a group, reverse order when reordering. */
    private void planOrder(int n) {
        boolean reverse = control.reorder;
        int groupStart = 0;
        for (int i = 0; i <= n; i++) {
            boolean boundary = i == n || (i > groupStart && (ctrl[i] & FENCE) != 0);
            if (boundary) {
                for (int j = groupStart; j < i; j++) {
                    order[j] = reverse ? i - 1 - (j - groupStart) : j;
                }
                groupStart = i;
            }
        }
    }

    private int execute(int i) {
        int c = ctrl[i];
        int opcode = c & 0xff;
        int srcSpace = (c >>> 16) & 0xff;
        int dstSpace = c >>> 24;
        int len = length[i];
        boolean readsSource = opcode == OP_COPY || opcode == OP_COMPARE || opcode == OP_DUALCAST;
        boolean dualcast = opcode == OP_DUALCAST;
        if (opcode == OP_INVALID || opcode > OP_DUALCAST || len <= 0 || len > config.maxTransferBytes()
            || len % config.alignmentBytes() != 0
            || (readsSource && src[i] % config.alignmentBytes() != 0) || dst[i] % config.alignmentBytes() != 0
            || (dualcast && aux[i] % config.alignmentBytes() != 0)
            || srcSpace > 1 || dstSpace > 1 || (dualcast && (auxSpace[i] < 0 || auxSpace[i] > 1))) {
            return OpStatus.INVALID;
        }
        if (!config.memToMem() && (readsSource ? srcSpace == 0 && (dstSpace == 0 || (dualcast && auxSpace[i] == 0)) : dstSpace == 0)) {
            return OpStatus.INVALID; // host to host (an op over one host range counts as one)
        }
        if (decrementIfPositive(control.failNext)) {
            return OpStatus.DEVICE_ERROR;
        }
        if (decrementIfPositive(control.faultNext)) {
            return OpStatus.TRANSFER_FAULT;
        }
        if (opcode == OP_COPY && srcSpace == 0 && decrementIfPositive(control.writeToSourceNext)) {
            MemorySegment source = resolve(srcSpace, src[i], len, true);
            if (source == null) {
                return OpStatus.TRANSFER_FAULT;
            }
            source.fill(SimControl.STRAY_BYTE);
            return OpStatus.SUCCESS;
        }
        boolean writes = opcode == OP_COPY || opcode == OP_FILL || dualcast;
        MemorySegment to = resolve(dstSpace, dst[i], len, writes); // a compare or CRC only reads it: least privilege holds
        if (to == null) {
            return dstSpace == 0 ? OpStatus.TRANSFER_FAULT : OpStatus.INVALID;
        }
        MemorySegment from = null;
        if (readsSource) {
            from = resolve(srcSpace, src[i], len, false);
            if (from == null) {
                return srcSpace == 0 ? OpStatus.TRANSFER_FAULT : OpStatus.INVALID;
            }
        }
        switch (opcode) {
            case OP_COPY -> MemorySegment.copy(from, 0, to, 0, len);
            case OP_FILL -> {
                long pattern = src[i];
                for (int b = 0; b < len; b++) {
                    to.set(ValueLayout.JAVA_BYTE, b, (byte) (pattern >>> (8 * (b & 7))));
                }
            }
            case OP_COMPARE -> result = MemorySegment.mismatch(from, 0, len, to, 0, len); // -1 when equal: COMPARE_EQUAL
            case OP_COMPARE_PATTERN -> result = SoftwareOps.comparePattern(to, 0, len, src[i]);
            case OP_CRC32C -> result = SoftwareOps.crc32c(to, 0, len, (int) aux[i]);
            case OP_DUALCAST -> {
                MemorySegment to2 = resolve(auxSpace[i], aux[i], len, true);
                if (to2 == null) {
                    return auxSpace[i] == 0 ? OpStatus.TRANSFER_FAULT : OpStatus.INVALID;
                }
                MemorySegment.copy(from, 0, to, 0, len);
                MemorySegment.copy(from, 0, to2, 0, len);
            }
            default -> {
                return OpStatus.INVALID;
            }
        }
        return OpStatus.SUCCESS;
    }

    private MemorySegment resolve(int space, long address, int len, boolean write) {
        if (space == 0) {
            if (Long.compareUnsigned(address + len - 1, dmaLimit) > 0) {
                return null; // the device cannot emit this address
            }
            return domain.translate(address, len, write);
        }
        if (sram == null || address < 0 || address + len > sram.byteSize()) {
            return null;
        }
        return sram.asSlice(address, len);
    }

    private static boolean decrementIfPositive(AtomicInteger counter) {
        while (true) {
            int v = counter.get();
            if (v <= 0) {
                return false;
            }
            if (counter.compareAndSet(v, v - 1)) {
                return true;
            }
        }
    }

    void wake() {
        LockSupport.unpark(thread);
    }

    void halt() {
        long epoch = ++issuedEpoch;
        request = new Control(epoch, true, 0);
        LockSupport.unpark(thread);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (haltedEpoch < epoch && thread.isAlive()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(thread.getName() + " did not halt");
            }
            LockSupport.parkNanos(50_000L);
        }
    }

    void resume(long head) {
        request = new Control(++issuedEpoch, false, head);
        LockSupport.unpark(thread);
    }

    void stop() {
        stop = true;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
