package io.dmactl.core.completion;

import io.dmactl.core.spi.DmaEngine;

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
    private static final long PAUSE_TIMEOUT_NANOS = 5_000_000_000L;
    private static final long STOP_TIMEOUT_NANOS = 5_000_000_000L;

    private final String engineName;
    private final DmaEngine engine;
    private final List<ChannelWorker> workers;
    private final LongSupplier clock;
    private final ReentrantLock control = new ReentrantLock();
    private volatile String unavailableReason;
    private volatile long resetCount;
    private boolean closed;

    public EngineSupervisor(String engineName, DmaEngine engine, List<ChannelWorker> workers, LongSupplier clock) {
        this.engineName = engineName;
        this.engine = engine;
        this.workers = List.copyOf(workers);
        this.clock = clock;
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
     * Watchdog check: resets the engine if a channel's oldest op has been with the engine longer
     * than the op timeout, and retires it if a channel worker died.
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
                    w.requestStop(true);
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
     */
    public void close(long graceNanos) {
        control.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (unavailableReason == null) {
                unavailableReason = "closed";
            }
            long deadline = clock.getAsLong() + graceNanos;
            for (ChannelWorker w : workers) {
                w.requestDrain(deadline);
            }
            boolean drained = awaitPhase(ChannelWorker.PHASE_DRAINED, graceNanos + PAUSE_TIMEOUT_NANOS);
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
                w.requestStop(reset);
            }
            long stopDeadline = clock.getAsLong() + STOP_TIMEOUT_NANOS;
            for (ChannelWorker w : workers) {
                try {
                    if (!w.join(Math.max(1, stopDeadline - clock.getAsLong()))) {
                        LOG.log(System.Logger.Level.WARNING, w.name() + ": worker did not stop in time");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            engine.close();
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
            boolean paused = pauseAll();
            if (paused) {
                try {
                    engine.reset(); // make sure the device stops before the workers release memory
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, engineName + ": reset while retiring failed", e);
                }
            }
            for (ChannelWorker w : workers) {
                w.requestStop(paused);
            }
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
        boolean paused = awaitPhase(ChannelWorker.PHASE_PAUSED, PAUSE_TIMEOUT_NANOS);
        if (!paused) {
            LOG.log(System.Logger.Level.ERROR, engineName + ": a channel owner did not pause within "
                + PAUSE_TIMEOUT_NANOS / 1_000_000 + " ms; not resetting");
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
