package io.dmactl.core.spi;

/**
 * How a channel owner sleeps until its engine signals completions (an MSI/MSI-X vector on a VFIO
 * eventfd, or a software signal) or until another thread wakes it because new work arrived.
 * Signals are sticky: a signal raised before {@link #await} makes the next await return at once.
 */
public interface CompletionInterrupt {

    /**
     * Blocks the channel owner until a signal or the timeout.
     *
     * @return true if a signal (device or {@link #wakeup()}) was consumed, false on timeout
     */
    boolean await(long timeoutNanos);

    /** Raises a signal from any thread, e.g. a client that just queued work for the owner. */
    void wakeup();
}
