package io.dmactl.core.completion;

import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.telemetry.DmactlEvents;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The control path of one engine: starts its channel workers, resets the engine (pausing every
 * channel owner first, so nobody is inside a channel while the engine resets), retires it when a
 * reset fails or a worker dies, and closes it in order. One lock serialises these; the fast path
 * never takes it.
 *
 * <p>Memory of ops in the device's ring is released only once the device is known to have
 * dropped them: after a successful {@link DmaEngine#reset()} or a completion. When the engine has
 * to be given up without that (its reset fails, or a channel owner never pauses or stops), the
 * workers end those ops ABORTED but keep their buffers pinned and IOVA-mapped for good (see
 * {@code ChannelWorker.abandonRing}); ops still queued in software are ABORTED and released at once.
 *
 * <p>Every pause, drain and stop is a request with its own epoch that each worker acknowledges
 * (see {@link WorkerControl}): the supervisor waits for the answer to the request it just made,
 * never for a state a worker may still show from an earlier request.
 */
public final class EngineSupervisor {
    private static final System.Logger LOG = System.getLogger(EngineSupervisor.class.getName());
    private static final long CONTROL_TIMEOUT_NANOS = 5_000_000_000L;
    /**
     * Fatal-condition resets in a row, with no op completed by the engine between them, after
     * which the engine is retired instead of reset again: a device that keeps breaking the
     * contract (or keeps raising its fatal status) would otherwise be reset at every watchdog
     * tick and abort every op the dispatcher keeps sending it.
     */
    static final int MAX_FATAL_RESETS_WITHOUT_PROGRESS = 3;

    private final String engineName;
    private final DmaEngine engine;
    private final List<ChannelWorker> workers;
    private final LongSupplier clock;
    private final ReentrantLock control = new ReentrantLock();
    /** How long a channel owner gets to pause, and to stop when the engine closes. */
    private final long controlTimeoutNanos;
    private volatile String unavailableReason;
    private volatile long resetCount;
    private boolean closed;
    private volatile boolean leaked;
    /** Under the control lock: fatal-condition resets in a row without an engine completion between them. */
    private int fatalResetsWithoutProgress;
    /** Under the control lock: the engine's completions when the last fatal-condition reset happened. */
    private long completionsAtLastFatalReset = -1;
    /** For the JFR events: the engine's provider and PCI address ("" for none), see {@link #identify}. */
    private volatile String provider = "";
    private volatile String device = "";

    /**
     * A supervisor of {@code engine} and its channel workers, not started.
     *
     * @param engineName the engine's name
     * @param engine the open engine
     * @param workers one worker per channel, in channel order
     * @param clock the runtime's nanosecond clock
     */
    public EngineSupervisor(String engineName, DmaEngine engine, List<ChannelWorker> workers, LongSupplier clock) {
        this(engineName, engine, workers, clock, CONTROL_TIMEOUT_NANOS);
    }

    /** @param controlTimeoutNanos how long a channel owner gets to pause or stop (tests shorten it) */
    EngineSupervisor(String engineName, DmaEngine engine, List<ChannelWorker> workers, LongSupplier clock,
                     long controlTimeoutNanos) {
        this.engineName = engineName;
        this.engine = engine;
        this.workers = List.copyOf(workers);
        this.clock = clock;
        this.controlTimeoutNanos = controlTimeoutNanos;
    }

    /**
     * Names the engine's provider and device in its JFR events; before {@link #start}.
     *
     * @param providerName the provider's name
     * @param pciAddress   the device's PCI address, or null for a software engine
     */
    public void identify(String providerName, String pciAddress) {
        this.provider = providerName;
        this.device = pciAddress;
    }

    /** Starts the channel workers. */
    public void start() {
        for (ChannelWorker w : workers) {
            w.start();
        }
    }

    /**
     * The channel workers, in channel order.
     *
     * @return the workers
     */
    public List<ChannelWorker> workers() {
        return workers;
    }

    /**
     * The worker with the least outstanding work (ties: lowest channel).
     *
     * @return the worker
     */
    public ChannelWorker leastLoadedWorker() {
        ChannelWorker best = workers.get(0);
        long bestLoad = best.outstanding();
        for (int i = 1; i < workers.size(); i++) {
            long load = workers.get(i).outstanding();
            if (load < bestLoad) {
                best = workers.get(i);
                bestLoad = load;
            }
        }
        return best;
    }

    /**
     * The transfers admitted to the engine's channels and not yet completed.
     *
     * @return the count
     */
    public long outstanding() {
        long total = 0;
        for (ChannelWorker w : workers) {
            total += w.outstanding();
        }
        return total;
    }

    /**
     * Wakes every client waiting for room on this engine's channels, now and from now on, with
     * {@code reason} (see {@link ChannelAdmission#close}): the engine takes no more work.
     *
     * @param reason why, for messages and ABORTED results
     */
    public void closeAdmissions(String reason) {
        for (ChannelWorker w : workers) {
            w.admission().close(reason);
        }
    }

    /**
     * Why the engine takes no work, or null.
     *
     * @return the reason, or null
     */
    public String unavailableReason() {
        return unavailableReason;
    }

    /**
     * How often the engine was reset.
     *
     * @return the count
     */
    public long resetCount() {
        return resetCount;
    }

    /**
     * True if the calling thread is one of this engine's channel workers.
     *
     * @return true on a worker thread of this engine
     */
    public boolean isWorkerThread() {
        for (ChannelWorker w : workers) {
            if (w.isWorkerThread()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Completions and enqueues of this engine that broke the channel contract (see {@link ChannelWorker}).
     *
     * @return the count
     */
    public long deviceErrors() {
        long total = 0;
        for (ChannelWorker w : workers) {
            total += w.deviceErrors();
        }
        return total;
    }

    /**
     * True when {@link #close} found a channel owner still running and therefore left the engine
     * open and its resources in place (see there).
     *
     * @return true if leaked
     */
    public boolean leaked() {
        return leaked;
    }

    /**
     * Watchdog check: retires the engine if a channel worker died; resets it if it reports a fatal
     * condition or a channel worker saw a device error (see {@link #recoverFromFatal}), or if a
     * channel's oldest op made no progress for the op timeout (see {@link ChannelWorker}: measured
     * from when it could run, the later of its enqueue and the channel's last completion, so work
     * that merely waited behind other work never counts as hung).
     *
     * @return true if it reset or retired the engine
     */
    public boolean checkHealth() {
        for (ChannelWorker w : workers) {
            if (w.crash() != null && unavailableReason == null) {
                retire("channel worker " + w.name() + " failed: " + w.crash());
                DmactlEvents.watchdogAction(engineName, w.name(), "retire", "channel worker failed: " + w.crash());
                return true;
            }
        }
        String fatal = fatalCondition();
        if (fatal != null) {
            String channel = faultyChannel();
            boolean acted = recoverFromFatal(fatal);
            if (acted) {
                DmactlEvents.watchdogAction(engineName, channel, unavailableReason != null ? "retire" : "reset", fatal);
            }
            return acted;
        }
        if (unavailableReason != null || !anyHung()) {
            return false;
        }
        String hung = hungChannel();
        boolean reset = reset(ResetRule.TIMEOUT_OLDEST, true,
            engineName + " was reset: an op on it made no progress for the op timeout");
        if (reset) {
            DmactlEvents.watchdogAction(engineName, hung, "reset", "an op made no progress for the op timeout");
        }
        return reset;
    }

    /**
     * Resets the engine: pauses every channel owner, calls {@link DmaEngine#reset()}, and resumes
     * them; each fails the ops the engine dropped (ABORTED with {@code reason}, or TIMEOUT for a
     * hung oldest op under {@link ResetRule#TIMEOUT_OLDEST}). Ops not yet handed to the engine run
     * afterwards.
     *
     * @param rule how the dropped ops end (see {@link ResetRule})
     * @param onlyIfHung re-check under the pause that an op really made no progress for its timeout
     * @param reason     given to the ops the reset drops as their ABORTED reason
     * @return true if the engine was reset; false if it is closed or retired, a channel owner did
     *         not pause within the control timeout (nothing was reset), the reset failed (the
     *         engine is retired), or {@code onlyIfHung} and nothing was hung
     */
    public boolean reset(ResetRule rule, boolean onlyIfHung, String reason) {
        control.lock();
        try {
            if (closed || unavailableReason != null) {
                return false;
            }
            if (!pauseAll()) {
                resumeAll(false, rule, null);
                return false;
            }
            if (onlyIfHung && !anyHung()) {
                resumeAll(false, rule, null);
                return false;
            }
            try {
                engine.reset();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, engineName + ": reset failed; the engine is retired", e);
                stopForGood("reset failed: " + e.getMessage(), false); // the device was not seen to drop the ring
                return false;
            }
            resetCount = resetCount + 1;
            resumeAll(true, rule, reason);
            DmactlEvents.engineReset(engineName, provider, device, reason, resetCount);
            return true;
        } finally {
            control.unlock();
        }
    }

    /**
     * Closes the engine: queued work is ABORTED, work already with the engine gets until
     * {@code graceNanos} to complete, then the engine is reset and what remains is ABORTED; then
     * the workers stop and the engine closes. Idempotent. If that reset fails, what remained in
     * the ring also ends ABORTED but keeps its memory pinned (see the class comment).
     *
     * <p>If a channel owner does not stop in time (stuck inside the engine's channel), the engine
     * is <b>not</b> closed: closing releases its rings and register mappings, and that owner (or
     * the device it drives) could still read or write them, which would corrupt memory the
     * runtime hands out again. The engine and what it holds are deliberately leaked instead,
     * logged at ERROR with the engine and the worker, and {@link #leaked()} turns true.
     *
     * @param graceNanos how long work already with the engine may still complete, in nanoseconds
     * @return true if the engine was closed (now or before), false if it was leaked
     */
    public boolean close(long graceNanos) {
        control.lock();
        try {
            if (closed) {
                return !leaked;
            }
            closed = true;
            if (unavailableReason == null) {
                unavailableReason = "closed";
            }
            closeAdmissions(engineName + " closed");
            long deadline = clock.getAsLong() + graceNanos;
            long[] epochs = new long[workers.size()];
            for (int i = 0; i < epochs.length; i++) {
                epochs[i] = workers.get(i).requestDrain(deadline);
            }
            boolean drained = awaitAcknowledged(epochs, graceNanos + controlTimeoutNanos);
            boolean ringWork = !drained;
            for (ChannelWorker w : workers) {
                ringWork |= w.ringBusy();
            }
            boolean reset = false;
            if (ringWork && drained) {
                try {
                    engine.reset();
                    reset = true;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, engineName + ": reset during close failed", e);
                }
            }
            for (ChannelWorker w : workers) {
                w.requestStop(reset, engineName + " closed");
            }
            long stopDeadline = clock.getAsLong() + controlTimeoutNanos;
            List<String> running = new ArrayList<>();
            for (ChannelWorker w : workers) {
                boolean stopped;
                try {
                    stopped = w.join(Math.max(1, stopDeadline - clock.getAsLong()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = w.threadEnded();
                }
                if (!stopped) {
                    running.add(w.name());
                }
            }
            if (!running.isEmpty()) {
                leaked = true;
                LOG.log(System.Logger.Level.ERROR, engineName + ": channel worker(s) " + running + " did not stop within "
                    + controlTimeoutNanos / 1_000_000 + " ms; NOT closing " + engineName
                    + ": its memory and registers stay mapped (leaked) because a running worker or the device may still use them");
                return false;
            }
            engine.close();
            return true;
        } finally {
            control.unlock();
        }
    }

    private void retire(String reason) {
        control.lock();
        try {
            if (closed || unavailableReason != null) {
                return;
            }
            unavailableReason = reason; // first: no more work is dispatched while we pause
            closeAdmissions(engineName + " retired: " + reason);
            boolean ringDropped = false;
            if (pauseAll()) {
                try {
                    engine.reset(); // make sure the device stops before the workers release memory
                    ringDropped = true;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, engineName + ": reset while retiring failed", e);
                }
            }
            stopForGood(reason, ringDropped);
        } finally {
            control.unlock();
        }
    }

    /**
     * The engine reports a fatal condition, or a channel worker saw a device error (a completion
     * for a ticket that is not outstanding, an enqueue against the ticket contract): handled like
     * a hung engine. Every owner pauses, the
     * engine resets, the ops it dropped end ABORTED with the condition as their reason, and the
     * owners resume, so the engine serves again. It is retired instead if the owners cannot be
     * paused, the reset fails (then the ring's memory stays pinned), the condition is still
     * reported right after the reset, or this is the engine's
     * {@value #MAX_FATAL_RESETS_WITHOUT_PROGRESS}th-plus-one fatal condition in a row with no op
     * completed between them.
     *
     * @return true (the engine was reset or retired) unless it was closed or retired meanwhile
     */
    private boolean recoverFromFatal(String condition) {
        control.lock();
        try {
            if (closed || unavailableReason != null) {
                return false;
            }
            long completions = engineCompletions();
            fatalResetsWithoutProgress = completions == completionsAtLastFatalReset ? fatalResetsWithoutProgress + 1 : 1;
            completionsAtLastFatalReset = completions;
            if (fatalResetsWithoutProgress > MAX_FATAL_RESETS_WITHOUT_PROGRESS) {
                String reason = condition + " (again after " + MAX_FATAL_RESETS_WITHOUT_PROGRESS
                    + " resets in a row with no op completed between them)";
                LOG.log(System.Logger.Level.ERROR, engineName + ": the engine is retired: " + reason);
                retire(reason); // reentrant: we hold the control lock
                return true;
            }
            LOG.log(System.Logger.Level.ERROR, engineName + ": the engine reports a fatal condition; resetting it: " + condition);
            if (!pauseAll()) {
                stopForGood(condition, false);
                return true;
            }
            try {
                engine.reset();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, engineName + ": reset after the fatal condition failed; the engine is retired", e);
                stopForGood(condition + "; reset failed: " + e.getMessage(), false);
                return true;
            }
            resetCount = resetCount + 1;
            String remaining = probeFatal();
            if (remaining != null) {
                LOG.log(System.Logger.Level.ERROR, engineName + ": the fatal condition survived the reset; the engine is retired: "
                    + remaining);
                stopForGood(remaining, true);
                return true;
            }
            resumeAll(true, ResetRule.ABORT_ALL, engineName + " was reset after a fatal condition: " + condition);
            DmactlEvents.engineReset(engineName, provider, device, "fatal condition: " + condition, resetCount);
            return true;
        } finally {
            control.unlock();
        }
    }

    /**
     * Under the control lock: retires the engine for good and stops its owners.
     *
     * @param ringDropped the engine was just reset successfully, so the ops in its rings may be
     *                    released; otherwise the owners keep their memory pinned (see the class comment)
     */
    private void stopForGood(String reason, boolean ringDropped) {
        DmactlEvents.engineRetired(engineName, provider, device, reason, ringDropped);
        unavailableReason = reason;
        closeAdmissions(engineName + " retired: " + reason); // after unavailableReason: woken clients dispatch elsewhere
        for (ChannelWorker w : workers) {
            w.requestStop(ringDropped, engineName + " retired: " + reason);
        }
    }

    /**
     * A device error a channel worker saw, else the engine's fatal condition, unless the engine is
     * closed, retired, or busy with a control operation (then the next tick asks): never
     * concurrently with {@link DmaEngine#close()}. A throwing probe counts as fatal: the engine
     * can no longer tell whether its device is sane.
     */
    private String fatalCondition() {
        if (unavailableReason != null || !control.tryLock()) {
            return null;
        }
        try {
            if (closed || unavailableReason != null) {
                return null;
            }
            for (ChannelWorker w : workers) {
                String fault = w.deviceFault();
                if (fault != null) {
                    return fault;
                }
            }
            return probeFatal();
        } finally {
            control.unlock();
        }
    }

    /** Under the control lock, engine open. */
    private String probeFatal() {
        try {
            return engine.fatalCondition();
        } catch (RuntimeException e) {
            return "fatal-condition check failed: " + e;
        }
    }

    private long engineCompletions() {
        long total = 0;
        for (ChannelWorker w : workers) {
            total += w.engineCompletions();
        }
        return total;
    }

    /** For the watchdog's JFR event: the first channel whose worker saw a device error, or null. */
    private String faultyChannel() {
        for (ChannelWorker w : workers) {
            if (w.deviceFault() != null) {
                return w.name();
            }
        }
        return null;
    }

    /** For the watchdog's JFR event: the first channel whose oldest op made no progress for the op timeout, or null. */
    private String hungChannel() {
        long now = clock.getAsLong();
        for (ChannelWorker w : workers) {
            if (w.ringBusy() && now - w.progressSinceNanos() >= w.opTimeoutNanos()) {
                return w.name();
            }
        }
        return null;
    }

    /** A channel's oldest op made no progress for the op timeout (see {@link ChannelWorker#progressSinceNanos()}). */
    private boolean anyHung() {
        long now = clock.getAsLong();
        for (ChannelWorker w : workers) {
            if (w.ringBusy() && now - w.progressSinceNanos() >= w.opTimeoutNanos()) {
                return true;
            }
        }
        return false;
    }

    /** Under the control lock: one new pause request per worker, and waits for each to acknowledge its own. */
    private boolean pauseAll() {
        long[] epochs = new long[workers.size()];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = workers.get(i).requestPause();
        }
        boolean paused = awaitAcknowledged(epochs, controlTimeoutNanos);
        if (!paused) {
            LOG.log(System.Logger.Level.ERROR, engineName + ": a channel owner did not pause within "
                + controlTimeoutNanos / 1_000_000 + " ms; not resetting");
        }
        return paused;
    }

    private void resumeAll(boolean afterReset, ResetRule rule, String reason) {
        for (ChannelWorker w : workers) {
            if (afterReset) {
                w.clearDeviceFault(); // paused, and the engine was just reset: a device error seen before is dealt with
            }
            if (w.crash() == null) {
                w.resume(afterReset, rule, reason);
            }
        }
    }

    /** Waits until worker i acknowledged {@code epochs[i]} (or crashed or stopped), for every i. */
    private boolean awaitAcknowledged(long[] epochs, long timeoutNanos) {
        long deadline = clock.getAsLong() + timeoutNanos;
        for (int i = 0; i < epochs.length; i++) {
            ChannelWorker w = workers.get(i);
            int spins = 0;
            while (!w.acknowledged(epochs[i])) {
                if (clock.getAsLong() - deadline >= 0) {
                    return false;
                }
                if (++spins < 64) {
                    Thread.onSpinWait(); // a running worker answers within one round
                } else {
                    LockSupport.parkNanos(20_000L);
                }
            }
        }
        return true;
    }
}
