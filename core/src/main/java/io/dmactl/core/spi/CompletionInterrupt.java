package io.dmactl.core.spi;

/**
 * How a channel owner sleeps until its engine signals completions (an MSI/MSI-X vector on a VFIO
 * eventfd, or a software signal) or until another thread wakes it because new work arrived.
 * Signals are sticky: a signal raised before {@link #await} makes the next await return at once.
 */
public interface CompletionInterrupt {

    /**
     * Blocks the channel owner until a signal or the timeout. It may also return early without a
     * signal (a spurious wake-up, e.g. the thread was unparked for another reason): the core's
     * callers look again either way, and a caller that needs the signal itself loops until it
     * gets it or its own deadline passes.
     *
     * <p>With clients driving channels (see {@code ChannelWorker}), the channel's worker waits here
     * without owning the channel, so a client may call the channel's {@code poll} meanwhile: state
     * that {@code await} and {@code poll} share must be safe to touch from two threads.
     *
     * @param timeoutNanos the longest wait, in nanoseconds
     * @return true if a signal (device or {@link #wakeup()}) was consumed, false on timeout or an
     *         early return without one
     */
    boolean await(long timeoutNanos);

    /** Raises a signal from any thread, e.g. a client that just queued work for the owner. */
    void wakeup();
}
