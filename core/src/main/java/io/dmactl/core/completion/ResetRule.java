package io.dmactl.core.completion;

/** How a channel worker ends the ops an engine reset dropped from its ring. */
public enum ResetRule {
    /** Every dropped op ends ABORTED (an explicit reset, a fatal condition, close). */
    ABORT_ALL,
    /**
     * A reset because the engine made no progress: the oldest dropped op ends TIMEOUT if it made
     * no progress for the op timeout (see {@code ChannelWorker}), the rest ABORTED.
     */
    TIMEOUT_OLDEST
}
