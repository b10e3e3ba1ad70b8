package io.dmactl.core.completion;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread per runtime that looks at every engine a few times per op timeout: an engine
 * with a channel that made no progress for the timeout while it held work is reset: its oldest
 * op, counted from when it could run (the later of its enqueue and the channel's last completion,
 * so an op that only waited behind other work never times out), fails with TIMEOUT, the others
 * it dropped with ABORTED. An engine that reports a fatal device condition
 * ({@code DmaEngine.fatalCondition}), or on which a channel worker saw a device error (a
 * completion for a ticket that was not outstanding, ...), is reset the same way (its dropped ops
 * end ABORTED with the condition as reason) and retired only if the reset fails or the engine's
 * condition outlives it; an engine whose channel worker died is retired.
 */
public final class Watchdog implements AutoCloseable {
    private final List<EngineSupervisor> engines = new CopyOnWriteArrayList<>();
    private final long periodNanos;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * A watchdog that looks at its engines every quarter of {@code opTimeoutNanos} (between 1 and 100 ms), not started.
     *
     * @param opTimeoutNanos the runtime's op timeout, in nanoseconds
     */
    public Watchdog(long opTimeoutNanos) {
        this.periodNanos = Math.clamp(opTimeoutNanos / 4, 1_000_000L, 100_000_000L);
        this.thread = new Thread(this::run, "dmactl-watchdog");
        thread.setDaemon(true);
    }

    /**
     * Adds an engine to look at.
     *
     * @param engine the engine's supervisor
     */
    public void watch(EngineSupervisor engine) {
        engines.add(engine);
    }

    /** Starts the watchdog's daemon thread. */
    public void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            LockSupport.parkNanos(this, periodNanos);
            for (EngineSupervisor engine : engines) {
                if (!running) {
                    return;
                }
                engine.checkHealth();
            }
        }
    }

    /** Stops the thread and waits for it (it may be in the middle of a reset). Idempotent. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
