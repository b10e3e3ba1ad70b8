package io.dmactl.provider.cpu;

import io.dmactl.core.spi.OpStatus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import static io.dmactl.provider.cpu.CpuDescriptor.*;

/**
 * The "hardware" of one cpu-engine channel: a thread that fetches descriptors published by the
 * doorbell (acquire), executes them in order with {@link MemorySegment#copy} / a doubling fill over
 * one whole-address-space segment (so no segment is made per op), writes each status with a plain
 * store and publishes it with a release store of COMPLETED. In-order execution makes every op
 * fenced, so FENCE needs no extra work.
 */
final class CpuExecutor implements Runnable {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final ValueLayout.OfLong PATTERN = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final int SPIN_ROUNDS = 200;
    private static final int YIELD_ROUNDS = 50;
    private static final long PARK_NANOS = 10_000_000L;
    private static final long HALT_TIMEOUT_NANOS = 30_000_000_000L;

    private final MemorySegment all;
    private final MemorySegment ring;
    private final MemorySegment status;
    private final MemorySegment registers;
    private final long mask;
    private final SoftInterrupt interrupt;
    private final Thread thread;

    private volatile boolean stopRequested;
    private volatile boolean haltRequested;
    private volatile boolean halted;
    private volatile long resumeAt;

    CpuExecutor(String name, MemorySegment all, MemorySegment ring, MemorySegment status, MemorySegment registers,
                int capacity, SoftInterrupt interrupt) {
        this.all = all;
        this.ring = ring;
        this.status = status;
        this.registers = registers;
        this.mask = capacity - 1;
        this.interrupt = interrupt;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        long head = 0;
        int idle = 0;
        while (!stopRequested) {
            if (haltRequested) {
                halted = true;
                while (haltRequested && !stopRequested) {
                    LockSupport.parkNanos(this, PARK_NANOS);
                }
                head = resumeAt;
                halted = false;
                continue;
            }
            // Acquire: descriptor bodies written before the producer's release store are visible.
            long doorbell = (long) LONG.getAcquire(registers, REG_DOORBELL);
            if (head == doorbell) {
                idle = idle(idle, head);
                continue;
            }
            idle = 0;
            while (head != doorbell && !haltRequested) {
                execute(head);
                head++;
                // Release: the status store above happens-before the owner's acquire of COMPLETED.
                LONG.setRelease(registers, REG_COMPLETED, head);
                interrupt.raiseIfWaiting();
            }
            interrupt.raise();
        }
    }

    private void execute(long ticket) {
        long at = (ticket & mask) * BYTES;
        long srcOrPattern = ring.get(ValueLayout.JAVA_LONG, at + SRC_OR_PATTERN);
        long dst = ring.get(ValueLayout.JAVA_LONG, at + DST);
        int length = ring.get(ValueLayout.JAVA_INT, at + LENGTH);
        int opcode = ring.get(ValueLayout.JAVA_INT, at + CONTROL) & OP_MASK;
        int result;
        if (opcode == OP_COPY) {
            MemorySegment.copy(all, srcOrPattern, all, dst, length);
            result = OpStatus.SUCCESS;
        } else if (opcode == OP_FILL) {
            fill(dst, length, srcOrPattern);
            result = OpStatus.SUCCESS;
        } else {
            result = OpStatus.INVALID;
        }
        status.set(ValueLayout.JAVA_INT, (ticket & mask) * STATUS_BYTES, result);
    }

    /** Pattern fill by doubling: write the first 8 bytes, then copy what is done onto what follows. */
    private void fill(long dst, int length, long pattern) {
        if (length < Long.BYTES) {
            for (int i = 0; i < length; i++) {
                all.set(ValueLayout.JAVA_BYTE, dst + i, (byte) (pattern >>> (8 * i)));
            }
            return;
        }
        all.set(PATTERN, dst, pattern);
        long done = Long.BYTES;
        while (done < length) {
            long chunk = Math.min(done, length - done);
            MemorySegment.copy(all, dst, all, dst + done, chunk);
            done += chunk;
        }
    }

    private int idle(int rounds, long head) {
        if (rounds < SPIN_ROUNDS) {
            Thread.onSpinWait();
            return rounds + 1;
        }
        if (rounds < SPIN_ROUNDS + YIELD_ROUNDS) {
            Thread.yield();
            return rounds + 1;
        }
        INT.setVolatile(registers, REG_SLEEPING, 1);
        // Re-check after announcing sleep: pairs with submit()'s doorbell store + full fence + SLEEPING load.
        if ((long) LONG.getVolatile(registers, REG_DOORBELL) == head && !haltRequested && !stopRequested) {
            LockSupport.parkNanos(this, PARK_NANOS);
        }
        INT.setVolatile(registers, REG_SLEEPING, 0);
        return rounds;
    }

    void wake() {
        LockSupport.unpark(thread);
    }

    /** Stops fetching after the op in progress; returns once the executor is idle. */
    void halt() {
        haltRequested = true;
        LockSupport.unpark(thread);
        long deadline = System.nanoTime() + HALT_TIMEOUT_NANOS;
        while (!halted && thread.isAlive()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(thread.getName() + " did not halt within "
                    + HALT_TIMEOUT_NANOS / 1_000_000 + " ms");
            }
            LockSupport.parkNanos(50_000L);
        }
    }

    /** Restarts fetching at ticket {@code head}. */
    void resume(long head) {
        resumeAt = head;
        haltRequested = false;
        LockSupport.unpark(thread);
    }

    void stop() {
        stopRequested = true;
        LockSupport.unpark(thread);
        try {
            thread.join(HALT_TIMEOUT_NANOS / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
