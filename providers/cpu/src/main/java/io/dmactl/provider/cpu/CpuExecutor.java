package io.dmactl.provider.cpu;

import io.dmactl.core.spi.OpStatus;
import io.dmactl.core.spi.SoftwareOps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import static io.dmactl.provider.cpu.CpuDescriptor.*;

/**
 * The "hardware" of one cpu-engine channel: a thread that fetches descriptors published by the
 * doorbell (acquire), executes them in order with {@link MemorySegment#copy} / a doubling fill /
 * {@link SoftwareOps} (compare, compare-pattern, CRC-32C) over one whole-address-space segment (so
 * no segment is made per op), writes each status with a plain
 * store and publishes them with a release store of COMPLETED. In-order execution makes every op
 * fenced, so FENCE needs no extra work.
 *
 * <p>Publication is batched: COMPLETED moves once per drained doorbell snapshot (so the last op
 * visible is published the moment it finishes), and inside a long snapshot after every
 * {@link #PUBLISH_EVERY_OPS} ops or {@link #PUBLISH_EVERY_BYTES} bytes, whichever comes first, so
 * large copies still report progress promptly (the core's watchdog counts completions). Each
 * COMPLETED store the owner's poll has pulled to its core costs the executor a cross-core line
 * transfer that can stall its store buffer mid-copy. For the same reason a status is stored only
 * when it differs from what its slot already holds (almost always SUCCESS from the previous lap),
 * so the status lines stay shared instead of bouncing on every op. The completion interrupt is raised (one atomic exchange) when the
 * executor runs out of visible work, and at each publication while the owner is waiting on it.
 */
final class CpuExecutor implements Runnable {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final ValueLayout.OfLong PATTERN = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    /**
     * How long an idle executor keeps spinning on the doorbell before it starts yielding. A time
     * budget, not a spin count: what {@code Thread.onSpinWait} costs varies several-fold between
     * CPUs (30-50 ns here, so the former 200 spins were 6-10 us), and when the submitting thread shares
     * this core every hand-off pays the whole budget. 1.5 us covers a producer's next doorbell in a
     * burst (a cross-core round trip is 0.1-0.5 us) and keeps a shared core's hand-off cheap.
     */
    private static final long SPIN_BUDGET_NANOS = 1_500L;
    /** Within one doorbell snapshot, COMPLETED moves at least every this many ops... */
    static final int PUBLISH_EVERY_OPS = 32;
    /** ...and as soon as this many bytes were moved since it last moved (a 16 KiB copy is ~0.2 us here). */
    static final long PUBLISH_EVERY_BYTES = 16 * 1024;
    /** Spins between two clock reads while idle: keeps {@code nanoTime} (~20 ns) off most spins. */
    private static final int SPINS_PER_CLOCK_READ = 4;
    private static final int YIELD_ROUNDS = 50;
    /**
     * A yield that took longer than this ran another thread on our core (the submitting thread,
     * sharing it): the executor stops yielding and parks, so that thread keeps the core.
     */
    private static final long CONTENDED_YIELD_NANOS = 1_000L;
    private static final long PARK_NANOS = 10_000_000L;
    private static final long HALT_TIMEOUT_NANOS = 30_000_000_000L;
    private static final long STOP_REPORT_MILLIS = 5_000L;
    private static final System.Logger LOG = System.getLogger(CpuExecutor.class.getName());
    private static final VarHandle CONTROL_REQUEST;
    private static final VarHandle HALTED_EPOCH;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CONTROL_REQUEST = lookup.findVarHandle(CpuExecutor.class, "control", Control.class);
            HALTED_EPOCH = lookup.findVarHandle(CpuExecutor.class, "haltedEpoch", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What the engine asks of the executor. */
    private enum Command { RUN, HALT }

    /**
     * One request from the engine's control path, acknowledged by epoch: a HALT is answered by
     * {@link #haltedEpoch} reaching its epoch, so a halt never returns on the strength of an
     * earlier one; a RUN carries the ticket to restart from.
     */
    private record Control(long epoch, Command command, long head) {
        static final Control INITIAL = new Control(0, Command.RUN, 0);
    }

    private final MemorySegment all;
    private final MemorySegment ring;
    private final MemorySegment status;
    private final MemorySegment results;
    private final MemorySegment registers;
    private final long mask;
    private final SoftInterrupt interrupt;
    private final Thread thread;
    // Idle bookkeeping, executor thread only: empty looks at the doorbell in a row, since when, yields so far.
    private int idleRounds;
    private long idleSinceNanos;
    private int idleYields;

    /** Executor thread only: the last control request acted upon. */
    private Control applied = Control.INITIAL;
    /** Engine thread only (under the engine's lock): the epoch of the last request made. */
    private long issuedEpoch;

    private volatile boolean stopRequested;
    /** Engine to executor: the latest control request (CONTROL_REQUEST: release store, acquire load). */
    @SuppressWarnings("unused")
    private volatile Control control = Control.INITIAL;
    /** Executor to engine: the epoch of the last HALT it obeyed (HALTED_EPOCH: release store, acquire load). */
    @SuppressWarnings("unused")
    private volatile long haltedEpoch;

    CpuExecutor(String name, MemorySegment all, MemorySegment ring, MemorySegment status, MemorySegment results,
                MemorySegment registers, int capacity, SoftInterrupt interrupt) {
        this.results = results;
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
        boolean raiseOwed = false; // completions were published since the last SoftInterrupt.raise
        while (!stopRequested) {
            Control c = controlAcquire();
            if (c != applied) {
                applied = c;
                if (c.command() == Command.HALT) {
                    if (raiseOwed) {
                        raiseOwed = false;
                        interrupt.raise();
                    }
                    // Release: every store of the ops executed so far (and their publication, which
                    // the loop below finished before it came here) happens-before halt() returns, so
                    // nothing of this epoch is published after the engine's reset rewrites COMPLETED.
                    HALTED_EPOCH.setRelease(this, c.epoch());
                    while (controlAcquire() == c && !stopRequested) {
                        LockSupport.parkNanos(this, PARK_NANOS);
                    }
                } else {
                    head = c.head(); // RUN after a halt: restart where the engine's reset put the ring
                }
                continue;
            }
            // Acquire: descriptor bodies written before the producer's release store are visible.
            long doorbell = (long) LONG.getAcquire(registers, REG_DOORBELL);
            if (head == doorbell) {
                if (raiseOwed) { // out of work: the one raise a waiting owner can rely on
                    raiseOwed = false;
                    interrupt.raise();
                }
                idle(head);
                continue;
            }
            if (idleRounds != 0) {
                idleRounds = 0; // stored only after idling: a streaming executor writes no field of its own per batch
            }
            head = drain(head, doorbell, c);
            raiseOwed = true;
        }
    }

    /**
     * Executes tickets {@code head} up to the {@code doorbell} snapshot (fewer if the engine's
     * control request changes) and publishes them: when the snapshot is drained, and within it
     * after every {@link #PUBLISH_EVERY_OPS} ops or {@link #PUBLISH_EVERY_BYTES} bytes. Every
     * executed op is published before this returns, so a HALT is acknowledged only after it.
     *
     * @return the next ticket to execute
     */
    private long drain(long head, long doorbell, Control c) {
        long publishedUpTo = head;
        long bytes = 0;
        while (head != doorbell && controlAcquire() == c) {
            bytes += execute(head);
            head++;
            if (head == doorbell || head - publishedUpTo == PUBLISH_EVERY_OPS || bytes >= PUBLISH_EVERY_BYTES) {
                publish(head);
                publishedUpTo = head;
                bytes = 0;
            }
        }
        if (publishedUpTo != head) {
            publish(head); // left early for a control request: publish what ran before obeying it
        }
        return head;
    }

    private void publish(long completed) {
        // Release: the status stores of every op below completed happen-before the owner's acquire of COMPLETED.
        LONG.setRelease(registers, REG_COMPLETED, completed);
        interrupt.raiseIfWaiting(); // prompt while the owner sleeps on the interrupt; a volatile read otherwise
    }

    /** Runs one descriptor and records its status and result value; returns the bytes it touched (0 if refused). */
    private int execute(long ticket) {
        long at = (ticket & mask) * BYTES;
        long srcOrPattern = ring.get(ValueLayout.JAVA_LONG, at + SRC_OR_PATTERN);
        long dst = ring.get(ValueLayout.JAVA_LONG, at + DST);
        int length = ring.get(ValueLayout.JAVA_INT, at + LENGTH);
        int opcode = ring.get(ValueLayout.JAVA_INT, at + CONTROL) & OP_MASK;
        int result = OpStatus.SUCCESS;
        int moved = length;
        long value = 0;
        switch (opcode) {
            case OP_COPY -> MemorySegment.copy(all, srcOrPattern, all, dst, length);
            case OP_FILL -> fill(dst, length, srcOrPattern);
            case OP_COMPARE -> value = SoftwareOps.compare(all, srcOrPattern, dst, length);
            case OP_COMPARE_PATTERN -> value = SoftwareOps.comparePattern(all, dst, length, srcOrPattern);
            case OP_CRC32C -> value = SoftwareOps.crc32c(all, srcOrPattern, length, (int) ring.get(ValueLayout.JAVA_LONG, at + AUX));
            case OP_DUALCAST -> {
                MemorySegment.copy(all, srcOrPattern, all, dst, length);
                MemorySegment.copy(all, srcOrPattern, all, ring.get(ValueLayout.JAVA_LONG, at + AUX), length);
            }
            default -> { // OP_INVALID, or an opcode this executor does not know: nothing is touched
                result = OpStatus.INVALID;
                moved = 0;
            }
        }
        long slot = (ticket & mask) * STATUS_BYTES;
        // Stored only if it changes the slot: the slot holds what this thread stored for the previous
        // lap (or 0 = SUCCESS from allocation), which the owner already harvested; an unchanged slot
        // costs no store, so the status line the owner reads is not pulled back to this core.
        if (status.get(ValueLayout.JAVA_INT, slot) != result) {
            status.set(ValueLayout.JAVA_INT, slot, result);
        }
        long resultSlot = (ticket & mask) * RESULT_BYTES;
        if (results.get(ValueLayout.JAVA_LONG, resultSlot) != value) { // likewise: copies leave the 0 there untouched
            results.set(ValueLayout.JAVA_LONG, resultSlot, value);
        }
        return moved;
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

    /**
     * One empty look at the doorbell: spin while the spin budget lasts, then yield
     * {@link #YIELD_ROUNDS} times (fewer if a yield shows the core is shared), then announce
     * SLEEPING and park until the producer unparks us.
     */
    private void idle(long head) {
        int rounds = ++idleRounds;
        if (rounds == 1) {
            idleSinceNanos = System.nanoTime();
            idleYields = 0;
        }
        if (idleYields == 0
            && (rounds % SPINS_PER_CLOCK_READ != 0 || System.nanoTime() - idleSinceNanos < SPIN_BUDGET_NANOS)) {
            Thread.onSpinWait();
            return;
        }
        if (idleYields < YIELD_ROUNDS) {
            long before = System.nanoTime();
            Thread.yield();
            idleYields = System.nanoTime() - before > CONTENDED_YIELD_NANOS ? YIELD_ROUNDS : idleYields + 1;
            return;
        }
        INT.setVolatile(registers, REG_SLEEPING, 1);
        // Re-check after announcing sleep: pairs with submit()'s doorbell store + full fence + SLEEPING load.
        if ((long) LONG.getVolatile(registers, REG_DOORBELL) == head && controlAcquire() == applied && !stopRequested) {
            LockSupport.parkNanos(this, PARK_NANOS);
        }
        INT.setVolatile(registers, REG_SLEEPING, 0);
    }

    void wake() {
        LockSupport.unpark(thread);
    }

    /**
     * Stops fetching after the op in progress; returns once the executor obeyed this very request
     * and is idle. Engine control path only (serialised by the engine).
     */
    void halt() {
        long epoch = ++issuedEpoch;
        CONTROL_REQUEST.setRelease(this, new Control(epoch, Command.HALT, 0));
        LockSupport.unpark(thread);
        long deadline = System.nanoTime() + HALT_TIMEOUT_NANOS;
        while ((long) HALTED_EPOCH.getAcquire(this) < epoch && thread.isAlive()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(thread.getName() + " did not halt within "
                    + HALT_TIMEOUT_NANOS / 1_000_000 + " ms");
            }
            LockSupport.parkNanos(50_000L);
        }
    }

    /** After {@link #halt()}: restarts fetching at ticket {@code head}. */
    void resume(long head) {
        CONTROL_REQUEST.setRelease(this, new Control(++issuedEpoch, Command.RUN, head)); // the ring was reset before this
        LockSupport.unpark(thread);
    }

    private Control controlAcquire() {
        return (Control) CONTROL_REQUEST.getAcquire(this);
    }

    /**
     * Stops the thread and returns once it has ended. There is no giving up: the executor writes
     * through raw addresses of the caller's buffers, so returning while it still runs would let
     * the caller free memory under a copy. It always ends, since no op runs longer than one
     * bounded {@link MemorySegment#copy}; a wait that is long anyway is reported, not cut short.
     */
    void stop() {
        stopRequested = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        long waitedMillis = 0;
        while (thread.isAlive()) {
            try {
                thread.join(STOP_REPORT_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true; // keep waiting: see above
            }
            waitedMillis += STOP_REPORT_MILLIS;
            if (thread.isAlive()) {
                LOG.log(System.Logger.Level.WARNING, thread.getName() + " still running after " + waitedMillis
                    + " ms of stopping; waiting for it before its memory is released");
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
