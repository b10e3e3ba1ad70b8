package io.dmactl.core.completion;

import io.dmactl.core.spi.DmaEngine;

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
 */
public final class EngineSupervisor {
    private static final System.Logger LOG = System.getLogger(EngineSupervisor.class.getName());
    private static final long CONTROL_TIMEOUT_NANOS = 5_000_000_000L;

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

    public void start() {
        for (ChannelWorker w : workers) {
            w.start();
        }
    }

    public List<ChannelWorker> workers() {
        return workers;
    }

    /** The worker with the least outstanding work (ties: lowest channel). */
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

    public long outstanding() {
        long total = 0;
        for (ChannelWorker w : workers) {
            total += w.outstanding();
        }
        return total;
    }

    /** Why the engine takes no work, or null. */
    public String unavailableReason() {
        return unavailableReason;
    }

    public long resetCount() {
        return resetCount;
    }

    /** True if the calling thread is one of this engine's channel workers. */
    public boolean isWorkerThread() {
        for (ChannelWorker w : workers) {
            if (w.isWorkerThread()) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@link #close} found a channel owner still running and therefore left the engine
     * open and its resources in place (see there).
     */
    public boolean leaked() {
        return leaked;
    }

    /**
     * Watchdog check: retires the engine if it reports a fatal condition or a channel worker
     * died, and resets it if a channel's oldest op has been with the engine longer than the op
     * timeout.
     *
     * @return true if it reset or retired the engine
     */
    public boolean checkHealth() {
        for (ChannelWorker w : workers) {
            if (w.crash() != null && unavailableReason == null) {
                retire("channel worker " + w.name() + " failed: " + w.crash());
                return true;
            }
        }
        String fatal = fatalCondition();
        if (fatal != null) {
            LOG.log(System.Logger.Level.ERROR, engineName + ": the engine reports a fatal condition; it is retired: " + fatal);
            retire(fatal);
            return true;
        }
        if (unavailableReason != null || !anyHung()) {
            return false;
        }
        return reset(ChannelWorker.RULE_TIMEOUT_OLDEST, true);
    }

    /**
     * Resets the engine: pauses every channel owner, calls {@link DmaEngine#reset()}, and resumes
     * them; each fails the ops the engine dropped (ABORTED, or TIMEOUT for a hung oldest op under
     * {@link ChannelWorker#RULE_TIMEOUT_OLDEST}). Ops not yet handed to the engine run afterwards.
     *
     * @param onlyIfHung re-check under the pause that an op really outlived its timeout
     * @return true if the engine was reset
     */
    public boolean reset(int rule, boolean onlyIfHung) {
        control.lock();
        try {
            if (closed || unavailableReason != null) {
                return false;
            }
            if (!pauseAll()) {
                resumeAll(false, rule);
                return false;
            }
            if (onlyIfHung && !anyHung()) {
                resumeAll(false, rule);
                return false;
            }
            try {
                engine.reset();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, engineName + ": reset failed; the engine is retired", e);
                unavailableReason = "reset failed: " + e.getMessage();
                for (ChannelWorker w : workers) {
                    w.requestStop(true, engineName + " retired: " + unavailableReason);
                }
                return false;
            }
            resetCount = resetCount + 1;
            resumeAll(true, rule);
            return true;
        } finally {
            control.unlock();
        }
    }

    /**
     * Closes the engine: queued work is ABORTED, work already with the engine gets until
     * {@code graceNanos} to complete, then the engine is reset and what remains is ABORTED; then
     * the workers stop and the engine closes. Idempotent.
     *
     * <p>If a channel owner does not stop in time (stuck inside the engine's channel), the engine
     * is <b>not</b> closed: closing releases its rings and register mappings, and that owner (or
     * the device it drives) could still read or write them, which would corrupt memory the
     * runtime hands out again. The engine and what it holds are deliberately leaked instead,
     * logged at ERROR with the engine and the worker, and {@link #leaked()} turns true.
     *
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
            long deadline = clock.getAsLong() + graceNanos;
            for (ChannelWorker w : workers) {
                w.requestDrain(deadline);
            }
            boolean drained = awaitPhase(ChannelWorker.PHASE_DRAINED, graceNanos + controlTimeoutNanos);
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
            unavailableReason = reason;
            String transferReason = engineName + " retired: " + reason;
            boolean paused = pauseAll();
            if (paused) {
                try {
                    engine.reset(); // make sure the device stops before the workers release memory
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, engineName + ": reset while retiring failed", e);
                }
            }
            for (ChannelWorker w : workers) {
                w.requestStop(paused, transferReason);
            }
        } finally {
            control.unlock();
        }
    }

    /**
     * Asks the engine for a fatal condition, unless it is closed, retired, or busy with a control
     * operation (then the next tick asks): never concurrently with {@link DmaEngine#close()}. A
     * throwing probe counts as fatal: the engine can no longer tell whether its device is sane.
     */
    private String fatalCondition() {
        if (unavailableReason != null || !control.tryLock()) {
            return null;
        }
        try {
            if (closed || unavailableReason != null) {
                return null;
            }
            return engine.fatalCondition();
        } catch (RuntimeException e) {
            return "fatal-condition check failed: " + e;
        } finally {
            control.unlock();
        }
    }

    private boolean anyHung() {
        long now = clock.getAsLong();
        for (ChannelWorker w : workers) {
            if (w.ringBusy() && now - w.oldestEnqueueNanos() >= w.opTimeoutNanos()) {
                return true;
            }
        }
        return false;
    }

    private boolean pauseAll() {
        for (ChannelWorker w : workers) {
            if (w.phase() != ChannelWorker.PHASE_PAUSED) {
                w.requestPause();
            }
        }
        boolean paused = awaitPhase(ChannelWorker.PHASE_PAUSED, controlTimeoutNanos);
        if (!paused) {
            LOG.log(System.Logger.Level.ERROR, engineName + ": a channel owner did not pause within "
                + controlTimeoutNanos / 1_000_000 + " ms; not resetting");
        }
        return paused;
    }

    private void resumeAll(boolean afterReset, int rule) {
        for (ChannelWorker w : workers) {
            if (w.crash() == null) {
                w.resume(afterReset, rule);
            }
        }
    }

    private boolean awaitPhase(int phase, long timeoutNanos) {
        long deadline = clock.getAsLong() + timeoutNanos;
        for (ChannelWorker w : workers) {
            while (w.phase() != phase && w.phase() != ChannelWorker.PHASE_STOPPED && w.crash() == null) {
                if (clock.getAsLong() - deadline >= 0) {
                    return false;
                }
                LockSupport.parkNanos(100_000L);
            }
        }
        return true;
    }
}
