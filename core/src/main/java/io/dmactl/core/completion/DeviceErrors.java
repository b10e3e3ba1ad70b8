package io.dmactl.core.completion;

/**
 * The device errors of one channel: what its engine reported or accepted against the channel
 * contract (a completion for a ticket that is not outstanding, a ticket out of sequence or already
 * outstanding, more ops than the ring holds, NO_SPACE on an empty ring). Counts every one, logs at
 * most one a second (with how many were not logged), and keeps the first one since the engine was
 * last reset as the channel's fault, which the watchdog treats as a fatal condition of the engine.
 *
 * <p>{@link #record} runs on the channel worker only (single writer); {@link #count} and
 * {@link #fault} are read by any thread; {@link #clearFault} by the supervisor while the worker is
 * paused.
 */
final class DeviceErrors {
    private static final System.Logger LOG = System.getLogger(DeviceErrors.class.getName());
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final String channelName;
    private volatile long count;
    private volatile String fault;
    // worker-owned
    private long loggedAtNanos;
    private long unlogged;

    DeviceErrors(String channelName) {
        this.channelName = channelName;
    }

    /** Worker: one more device error; off the fast path (it builds its message). */
    void record(String what) {
        long n = count + 1;
        count = n; // single writer
        String message = channelName + ": device error: " + what;
        if (fault == null) {
            fault = message;
        }
        long now = System.nanoTime();
        if (n == 1 || now - loggedAtNanos >= LOG_INTERVAL_NANOS) {
            LOG.log(System.Logger.Level.ERROR, message + " (device errors on this channel: " + n
                + (unlogged > 0 ? ", " + unlogged + " not logged since the last one" : "")
                + "); the channel gets no more work until the watchdog resets the engine");
            loggedAtNanos = now;
            unlogged = 0;
        } else {
            unlogged++;
        }
    }

    long count() {
        return count;
    }

    /** The first device error since the engine was last reset, or null. */
    String fault() {
        return fault;
    }

    /** Supervisor, worker paused, engine just reset. */
    void clearFault() {
        fault = null;
    }
}
