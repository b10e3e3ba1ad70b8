package io.dmactl.core;

/**
 * A channel had no room for more work: it already holds {@link #limit()} transfers that were
 * admitted and have not completed (see {@link DmaRuntime.Builder#maxPendingPerChannel}). Thrown by
 * the fail-fast forms ({@link DmaTransfers#tryCopy}, {@link DmaTransfers#tryFill},
 * {@link Batch#trySubmit}) at once, and by the waiting forms when no room appeared within
 * {@link DmaRuntime.Builder#admissionTimeout} or the waiting thread was interrupted (then the
 * interrupt flag is set again and the cause is the {@link InterruptedException}).
 *
 * <p>Nothing of the refused call was pinned, mapped or queued: retrying it later is safe.
 */
public final class BackpressureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The engine whose channel was full. */
    private final String engineName;
    /** The full channel, as {@code engine/chN}. */
    private final String channel;
    /** The channel's bound on pending transfers. */
    private final int limit;

    BackpressureException(String engineName, String channel, int limit, String message, Throwable cause) {
        super(message, cause);
        this.engineName = engineName;
        this.channel = channel;
        this.limit = limit;
    }

    /**
     * The engine whose channel was full.
     *
     * @return the engine's name
     */
    public String engineName() {
        return engineName;
    }

    /**
     * The full channel, as {@code engine/chN}.
     *
     * @return the channel, {@code engine/chN}
     */
    public String channel() {
        return channel;
    }

    /**
     * The channel's bound on pending transfers.
     *
     * @return the bound, in transfers
     */
    public int limit() {
        return limit;
    }
}
