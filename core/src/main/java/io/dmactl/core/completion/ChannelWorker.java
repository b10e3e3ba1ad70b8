package io.dmactl.core.completion;

import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.OpStatus;

import java.lang.invoke.VarHandle;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The single owner thread of one {@link DmaChannel}. Clients hand it {@link PendingTransfer}s
 * through a lock-free inbox; it writes them into the ring in chunks, rings the doorbell once per
 * round, harvests completions into a preallocated batch, matches them to transfers through a
 * tracker array indexed by ticket, and completes the transfers. When idle it sleeps on the
 * channel's interrupt (or parks, for polling engines) and is woken by clients.
 *
 * <p>Control (pause for an engine reset, drain and stop for close) comes from the
 * {@link EngineSupervisor} through volatile command/phase fields; everything else is owned by the
 * worker thread alone.
 */
public final class ChannelWorker implements Runnable {
    static final int CMD_RUN = 0;
    static final int CMD_PAUSE = 1;
    static final int CMD_DRAIN = 2;
    static final int CMD_STOP = 3;

    static final int PHASE_NEW = 0;
    static final int PHASE_RUNNING = 1;
    static final int PHASE_PAUSED = 2;
    static final int PHASE_DRAINED = 3;
    static final int PHASE_STOPPED = 4;

    /** After a reset: every dropped op is ABORTED. */
    public static final int RULE_ABORT_ALL = 0;
    /** After a hang reset: the oldest dropped op is TIMEOUT if it outlived the op timeout, the rest ABORTED. */
    public static final int RULE_TIMEOUT_OLDEST = 1;

    private static final System.Logger LOG = System.getLogger(ChannelWorker.class.getName());
    private static final long IDLE_SLEEP_NANOS = 100_000_000L;
    private static final long INTERRUPT_SLICE_NANOS = 10_000_000L;
    private static final long MAX_POLL_PARK_NANOS = 200_000L;
    private static final long CONTROL_PARK_NANOS = 1_000_000L;
    private static final int SPIN_ROUNDS = 64;
    private static final int YIELD_ROUNDS = 128;
    /**
     * Empty ring and inbox: how long the worker spins on the inbox before it yields, and until when
     * it yields before it parks. Waking a parked thread costs 8-45 us on this VM, so a client that
     * submits again soon after its last completion (a synchronous copy loop) should find the worker
     * still awake; yielding after a short spin hands a shared core to that client at once.
     */
    private static final long IDLE_SPIN_NANOS = 5_000L;
    private static final long IDLE_YIELD_NANOS = 50_000L;
    /**
     * A yield that took longer than this ran another thread on our core: the core is shared, and
     * staying awake there only delays the threads we wait for (a client or a software engine), so
     * the worker goes to sleep at once. An uncontended yield is a ~0.4 us system call here.
     */
    private static final long CONTENDED_YIELD_NANOS = 1_000L;
    /** After a contended yield, this many idle episodes sleep at once; the next one probes the core again. */
    private static final int SHARED_CORE_EPISODES = 64;
    /** Idle rounds between two clock reads while spinning: keeps {@code nanoTime} off most rounds. */
    private static final int ROUNDS_PER_CLOCK_READ = 4;

    // ---- hot: touched by the worker on every round ----
    private final DmaChannel channel;
    private final TicketTable inFlight;
    private final CompletionBatch completions;
    private final TransferInbox inbox = new TransferInbox();
    private final LongSupplier clock;
    private PendingTransfer stalled;
    private long nextTicket;
    private boolean ticketsKnown;
    private long oldestTicket;
    private int inRing;
    private int unsubmitted;
    private int idleRounds;
    private long idleSinceNanos;
    private int sleepAtOnceEpisodes;

    // ---- below here: not on the per-op path ----
    private final String name;
    private final String engineName;
    private final CompletionInterrupt waiter;
    private final ParkingWaiter parkingWaiter;
    private final boolean interruptDriven;
    private final long opTimeoutNanos;
    private final Executor deliveryExecutor;
    private final AtomicLong accepted = new AtomicLong();
    private long seenGeneration;
    private Thread thread;

    private volatile int command = CMD_RUN;
    private volatile int phase = PHASE_NEW;
    private volatile boolean sleeping;
    private volatile long resetGeneration;
    private volatile int resetRule;
    private volatile long drainDeadlineNanos;
    private volatile boolean ringBusy;
    private volatile long oldestEnqueueNanos;
    private volatile long finishedOps;
    private volatile Throwable crash;
    /** Why the worker is stopping for good (engine retired or closed); given to the transfers it aborts. */
    private volatile Optional<String> stopReason = Optional.empty();
    /** Why the engine was last reset, when the supervisor knows (a fatal condition); given to the ops it dropped. */
    private volatile Optional<String> resetReason = Optional.empty();
    /** Worker-owned: the reason for ABORTED ops while a reset is being applied, else empty. */
    private Optional<String> droppedReason = Optional.empty();
    /** Worker-owned: the reason given to transfers whose resources are leaked (see {@link #abandonRing}). */
    private Optional<String> leakedReason = Optional.empty();
    private long leakedTransfers;

    /**
     * @param deliveryExecutor where callbacks run; null runs them on this worker thread
     */
    public ChannelWorker(String engineName, DmaChannel channel, boolean interruptDriven, LongSupplier clock,
                         long opTimeoutNanos, Executor deliveryExecutor) {
        this.engineName = engineName;
        this.name = engineName + "/ch" + channel.index();
        this.channel = channel;
        int capacity = channel.capacity();
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException(name + ": ring capacity " + capacity + " must be a power of two");
        }
        this.inFlight = new TicketTable(capacity);
        this.completions = new CompletionBatch(Math.min(capacity, 256));
        this.clock = clock;
        this.opTimeoutNanos = opTimeoutNanos;
        this.deliveryExecutor = deliveryExecutor;
        CompletionInterrupt interrupt = interruptDriven ? channel.interrupt() : null;
        if (interruptDriven && interrupt == null) {
            throw new IllegalStateException(name + ": the engine declares interrupts but channel " + channel.index()
                + " has no CompletionInterrupt");
        }
        this.interruptDriven = interruptDriven;
        this.parkingWaiter = interruptDriven ? null : new ParkingWaiter();
        this.waiter = interruptDriven ? interrupt : parkingWaiter;
    }

    /** Starts the owner thread (daemon: a forgotten runtime must not keep the JVM alive). */
    public void start() {
        Thread t = new Thread(this, "dmactl-" + name);
        t.setDaemon(true);
        thread = t;
        if (parkingWaiter != null) {
            parkingWaiter.bind(t);
        }
        t.start();
    }

    public String name() {
        return name;
    }

    /** Any thread: queues a transfer (or the head of a batch chain of {@code ops} transfers). */
    public void submit(PendingTransfer head, int ops) {
        accepted.addAndGet(ops);
        inbox.offer(head);
        // Store-load barrier: the link store in offer must be visible before we read sleeping /
        // phase; the worker fences between writing them and re-checking the inbox (Dekker).
        VarHandle.fullFence();
        if (sleeping) {
            waiter.wakeup();
        }
        if (phase == PHASE_STOPPED) {
            abortAfterStop(); // the worker is gone (engine retired or closed): nobody else will
        }
    }

    /** Transfers accepted and not yet completed. */
    public long outstanding() {
        return accepted.get() - finishedOps;
    }

    public boolean isWorkerThread() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void run() {
        phase = PHASE_RUNNING;
        try {
            while (true) {
                int cmd = command;
                applyResetIfAny(); // after reading the command: the supervisor bumps the generation before resuming us
                if (cmd == CMD_PAUSE) {
                    pauseHere();
                    continue;
                }
                if (cmd == CMD_DRAIN) {
                    drainHere();
                    continue;
                }
                if (cmd == CMD_STOP) {
                    stopHere();
                    return;
                }
                int moved = feed();
                int done = harvest();
                publishProgress();
                if (moved + done > 0) {
                    idleRounds = 0;
                } else {
                    idle();
                }
            }
        } catch (Throwable t) {
            crash = t;
            LOG.log(System.Logger.Level.ERROR, name + ": channel worker failed; the engine is retired", t);
            phase = PHASE_PAUSED; // never touches the channel again; the supervisor retires the engine
            while (command != CMD_STOP) {
                LockSupport.parkNanos(this, CONTROL_PARK_NANOS);
            }
            try {
                applyResetIfAny(); // the supervisor reset the engine before stopping us: the ring was dropped
            } catch (Throwable again) {
                LOG.log(System.Logger.Level.ERROR, name + ": failing the dropped ops after the crash failed too", again);
            }
            abandonRing();
            failQueued(OpStatus.ABORTED);
            phase = PHASE_STOPPED;
            VarHandle.fullFence();
            abortAfterStop();
        }
    }

    // ---------------------------------------------------------------- fast path

    /** Moves queued transfers into the ring; one doorbell for all of them. @return descriptors written */
    private int feed() {
        long now = 0;
        boolean clockRead = false;
        while (true) {
            if (stalled == null) {
                stalled = inbox.poll();
                if (stalled == null) {
                    break;
                }
            }
            if (!clockRead) {
                now = clock.getAsLong(); // one clock read per round, not per op
                clockRead = true;
            }
            if (!enqueueChunks(stalled, now)) {
                break; // ring full: harvest first
            }
            stalled = stalled.batchNext;
        }
        int moved = unsubmitted;
        if (unsubmitted > 0) {
            channel.submit();
            unsubmitted = 0;
        }
        return moved;
    }

    /** @return false when the ring filled up before the whole transfer was enqueued */
    private boolean enqueueChunks(PendingTransfer t, long now) {
        if (t.status != OpStatus.SUCCESS) {
            t.enqueuedBytes = t.lengthBytes;
        }
        while (t.enqueuedBytes < t.lengthBytes) {
            long offset = t.enqueuedBytes;
            int chunk = (int) Math.min(t.chunkBytes, t.lengthBytes - offset);
            int flags = offset == 0 && t.fence ? DmaChannel.FLAG_FENCE : 0;
            long ticket = t.op == DmaOpKind.COPY
                ? channel.enqueueCopy(t.srcSpace, t.srcAddress + offset, t.dstSpace, t.dstAddress + offset, chunk, flags)
                : channel.enqueueFill(t.pattern, t.dstSpace, t.dstAddress + offset, chunk, flags);
            if (ticket < 0) {
                if (inRing == 0 && unsubmitted == 0) {
                    throw new IllegalStateException(name + ": enqueue returned NO_SPACE with nothing outstanding");
                }
                return false;
            }
            track(ticket, t, now);
            t.enqueuedBytes = offset + chunk;
            t.chunksOutstanding++;
            unsubmitted++;
        }
        if (t.chunksOutstanding == 0) {
            finish(t); // failed before any chunk reached the engine
        }
        return true;
    }

    private void track(long ticket, PendingTransfer t, long now) {
        if (ticketsKnown && ticket != nextTicket) {
            throw new IllegalStateException(name + ": engine returned ticket " + ticket + ", expected " + nextTicket
                + " (tickets must be consecutive)");
        }
        if (inRing == 0) {
            oldestTicket = ticket;
        }
        if (!inFlight.put(ticket, t, now)) {
            throw new IllegalStateException(name + ": engine accepted ticket " + ticket + " with " + inRing
                + " ops outstanding in a ring of " + channel.capacity() + " (or a duplicate ticket)");
        }
        nextTicket = ticket + 1;
        ticketsKnown = true;
        inRing++;
    }

    private int harvest() {
        if (inRing == 0) {
            return 0;
        }
        int n = channel.poll(completions);
        for (int i = 0; i < n; i++) {
            long ticket = completions.ticket(i);
            PendingTransfer t = inFlight.remove(ticket);
            if (t == null) {
                throw new IllegalStateException(name + ": engine completed ticket " + ticket + " which is not outstanding");
            }
            inRing--;
            chunkDone(t, completions.status(i), completions.deviceCode(i));
        }
        if (n > 0) {
            while (oldestTicket < nextTicket && !inFlight.contains(oldestTicket)) {
                oldestTicket++; // amortised: each ticket is passed once
            }
        }
        return n;
    }

    private void chunkDone(PendingTransfer t, int status, int deviceCode) {
        t.chunksOutstanding--;
        if (status != OpStatus.SUCCESS) {
            t.fail(status, deviceCode);
        }
        if (t.chunksOutstanding == 0 && t.enqueuedBytes == t.lengthBytes) {
            finish(t);
        }
    }

    private void finish(PendingTransfer t) {
        if (t.done) {
            return;
        }
        t.done = true;
        Optional<String> reason;
        if (t.resourcesLeaked) {
            reason = leakedReason;
            t.leakResources(reason.orElseThrow());
            leakedTransfers++;
        } else {
            t.releaseResources();
            // Prepared Optionals only: nothing allocated here beyond the result itself.
            reason = t.status != OpStatus.ABORTED ? Optional.empty() : droppedReason.isPresent() ? droppedReason : stopReason;
        }
        finishedOps = finishedOps + 1; // single writer
        TransferResult result = new TransferResult(TransferStatus.ofCode(t.status), t.deviceCode, t.lengthBytes,
            engineName, clock.getAsLong() - t.createdNanos, reason);
        if (deliveryExecutor == null) {
            deliver(t, result);
        } else {
            deliveryExecutor.execute(() -> deliver(t, result));
        }
    }

    private void deliver(PendingTransfer t, TransferResult result) {
        try {
            t.callback().onComplete(result);
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, name + ": a completion callback threw; the channel carries on", e);
        }
    }

    private void publishProgress() {
        boolean busy = inRing > 0;
        if (busy) {
            long oldest = inFlight.enqueueNanos(oldestTicket);
            if (oldest != oldestEnqueueNanos) {
                oldestEnqueueNanos = oldest;
            }
        }
        if (busy != ringBusy) {
            ringBusy = busy;
        }
    }

    private void idle() {
        int rounds = ++idleRounds;
        if (inRing > 0) {
            if (rounds < SPIN_ROUNDS) {
                Thread.onSpinWait();
                return;
            }
            if (!interruptDriven && rounds < YIELD_ROUNDS) {
                Thread.yield();
                return;
            }
            long park = interruptDriven ? INTERRUPT_SLICE_NANOS
                : Math.min(MAX_POLL_PARK_NANOS, 1_000L * (rounds - YIELD_ROUNDS + 1));
            sleep(park);
            return;
        }
        // Nothing in flight: stay awake a few microseconds for the next submit, then sleep. The
        // real clock, not this worker's (tests drive that one by hand).
        if (rounds == 1) {
            idleSinceNanos = System.nanoTime();
            if (sleepAtOnceEpisodes > 0) {
                sleepAtOnceEpisodes--; // the core was shared lately: staying awake would only delay the others
                idleSinceNanos -= IDLE_YIELD_NANOS;
            }
        }
        if (rounds % ROUNDS_PER_CLOCK_READ != 0) {
            Thread.onSpinWait();
            return;
        }
        long now = System.nanoTime();
        long idleNanos = now - idleSinceNanos;
        if (idleNanos < IDLE_SPIN_NANOS) {
            Thread.onSpinWait();
        } else if (idleNanos < IDLE_YIELD_NANOS) {
            Thread.yield();
            if (System.nanoTime() - now > CONTENDED_YIELD_NANOS) {
                idleSinceNanos = now - IDLE_YIELD_NANOS; // shared core: sleep at the next idle round
                sleepAtOnceEpisodes = SHARED_CORE_EPISODES;
            }
        } else {
            sleep(IDLE_SLEEP_NANOS);
        }
    }

    private void sleep(long nanos) {
        sleeping = true;
        VarHandle.fullFence(); // sleeping before the inbox re-check: pairs with the fence in submit()
        if (inbox.isEmpty() && command == CMD_RUN) {
            waiter.await(nanos);
        }
        sleeping = false;
    }

    // ---------------------------------------------------------------- control path (worker side)

    private void pauseHere() {
        phase = PHASE_PAUSED;
        while (command == CMD_PAUSE) {
            LockSupport.parkNanos(this, CONTROL_PARK_NANOS);
        }
        phase = PHASE_RUNNING;
    }

    private void drainHere() {
        failQueued(OpStatus.ABORTED);
        long deadline = drainDeadlineNanos;
        while (command == CMD_DRAIN && inRing > 0 && clock.getAsLong() - deadline < 0) {
            applyResetIfAny();
            if (unsubmitted > 0) {
                channel.submit();
                unsubmitted = 0;
            }
            if (harvest() == 0) {
                LockSupport.parkNanos(this, 50_000L);
            }
            failQueued(OpStatus.ABORTED);
        }
        publishProgress();
        phase = PHASE_DRAINED; // from here on the channel is not touched until the command changes
        while (command == CMD_DRAIN) {
            LockSupport.parkNanos(this, CONTROL_PARK_NANOS);
        }
    }

    private void stopHere() {
        abandonRing(); // run() applied a reset that came with the stop already: what is left was never dropped
        failQueued(OpStatus.ABORTED);
        publishProgress();
        phase = PHASE_STOPPED;
        VarHandle.fullFence(); // phase before the last inbox check: pairs with the fence in submit()
        abortAfterStop();
    }

    /**
     * After the worker stopped, whoever sees that fails what is still queued. Synchronized: the
     * inbox has a single consumer, and from now on that is whichever thread holds this lock.
     */
    private synchronized void abortAfterStop() {
        failQueued(OpStatus.ABORTED);
    }

    private void applyResetIfAny() {
        long generation = resetGeneration;
        if (generation == seenGeneration) {
            return;
        }
        seenGeneration = generation;
        droppedReason = resetReason;
        failRing(resetRule);
        failStalled(OpStatus.ABORTED);
        droppedReason = Optional.empty();
        unsubmitted = 0;
        publishProgress();
    }

    /**
     * The worker stops for good, and what is still in the ring was not dropped by a confirmed
     * reset (the engine's reset failed or was never tried, or this worker came back from a stuck
     * channel call after its engine was given up): the device may still read or write those
     * transfers' memory. They complete ABORTED with a reason saying so, but their location pins
     * and IOVA mapping references are kept for good (deliberately leaked), so the memory can be
     * neither freed nor unmapped and handed out again under the device. Logged once at ERROR.
     */
    private void abandonRing() {
        if (inRing == 0) {
            return;
        }
        int ops = inRing;
        long leakedBefore = leakedTransfers;
        leakedReason = Optional.of(stopReason.orElse(name + " stopped") + "; " + engineName
            + " could not be confirmed stopped while this transfer was in its ring, so the transfer's memory stays pinned"
            + " and IOVA-mapped (deliberately leaked: the device may still write it) until the runtime closes");
        inFlight.drain(t -> {
            inRing--;
            t.resourcesLeaked = true;
            chunkDone(t, OpStatus.ABORTED, 0);
        });
        oldestTicket = nextTicket;
        LOG.log(System.Logger.Level.ERROR, name + ": " + engineName + " stopped with " + ops + " op(s) of "
            + (leakedTransfers - leakedBefore) + " transfer(s) still in its ring and no confirmed reset; they end ABORTED,"
            + " but their buffers stay pinned and IOVA-mapped (leaked) because the device may still read or write them");
    }

    /** The engine dropped everything in the ring: fail it. */
    private void failRing(int rule) {
        long now = clock.getAsLong();
        long oldest = inFlight.lowestTicket();
        if (oldest != Long.MAX_VALUE && rule == RULE_TIMEOUT_OLDEST && now - inFlight.enqueueNanos(oldest) >= opTimeoutNanos) {
            inRing--;
            chunkDone(inFlight.remove(oldest), OpStatus.TIMEOUT, 0);
        }
        failAllInRing(OpStatus.ABORTED);
    }

    private void failAllInRing(int status) {
        inFlight.drain(t -> {
            inRing--;
            chunkDone(t, status, 0);
        });
        oldestTicket = nextTicket;
    }

    /** Fails the rest of a batch that was partly handed to the engine. */
    private void failStalled(int status) {
        for (PendingTransfer t = stalled; t != null; t = t.batchNext) {
            t.fail(status, 0);
            if (t.chunksOutstanding == 0) {
                finish(t);
            }
        }
        stalled = null;
    }

    /** Fails what has not reached the engine yet. */
    private void failQueued(int status) {
        failStalled(status);
        for (PendingTransfer head = inbox.poll(); head != null; head = inbox.poll()) {
            for (PendingTransfer t = head; t != null; t = t.batchNext) {
                t.fail(status, 0);
                finish(t);
            }
        }
    }

    // ---------------------------------------------------------------- control path (supervisor side)

    void requestPause() {
        command = CMD_PAUSE;
        wake();
    }

    /**
     * Resumes after a pause; when {@code afterReset}, the worker first fails what the engine dropped.
     *
     * @param reason why the engine was reset, given to the ops it dropped as their ABORTED reason; null for none
     */
    void resume(boolean afterReset, int rule, String reason) {
        if (afterReset) {
            resetReason = Optional.ofNullable(reason); // before the generation, like the rule
            resetRule = rule;
            resetGeneration = resetGeneration + 1; // before the command: the worker reads them in the other order
        }
        command = CMD_RUN;
        wake();
    }

    void requestDrain(long deadlineNanos) {
        drainDeadlineNanos = deadlineNanos;
        command = CMD_DRAIN;
        wake();
    }

    /**
     * Stops the worker for good; the transfers it aborts from now on carry {@code reason}.
     *
     * @param afterReset the engine was successfully reset and dropped what was in the ring, so
     *                   the memory of those ops may be released; when false, whatever is still in
     *                   the ring once the worker stops keeps its memory pinned for good (see
     *                   {@link #abandonRing})
     */
    void requestStop(boolean afterReset, String reason) {
        if (reason != null) {
            stopReason = Optional.of(reason); // before the command: the worker reads it while failing ops
        }
        if (afterReset) {
            resetReason = Optional.empty(); // the dropped ops carry the stop reason
            resetRule = RULE_ABORT_ALL;
            resetGeneration = resetGeneration + 1;
        }
        command = CMD_STOP;
        wake();
    }

    int phase() {
        return phase;
    }

    boolean ringBusy() {
        return ringBusy;
    }

    long oldestEnqueueNanos() {
        return oldestEnqueueNanos;
    }

    long opTimeoutNanos() {
        return opTimeoutNanos;
    }

    Throwable crash() {
        return crash;
    }

    /** True once the owner thread has ended (or never started). */
    boolean threadEnded() {
        Thread t = thread;
        return t == null || !t.isAlive();
    }

    boolean join(long timeoutNanos) throws InterruptedException {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        t.join(Math.max(1, timeoutNanos / 1_000_000));
        return !t.isAlive();
    }

    private void wake() {
        waiter.wakeup();
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
