package io.dmactl.core;

/**
 * Called once when a transfer ends, on the channel's worker thread unless the runtime was built
 * with a completion executor. Keep it short: the channel makes no progress while it runs, and it
 * must not block on other transfers or close the runtime.
 *
 * <p>It may submit more work. The transfer's room on its channel is given back before this runs.
 * On a worker thread {@code copy}/{@code fill}/{@code Batch.submit} never wait for room (they are
 * admitted over the channel's bound, see {@link DmaTransfers}), while {@code tryCopy}/{@code tryFill}
 * still throw {@link BackpressureException} on a full channel. With a completion executor the
 * callback runs on the executor's thread, where the waiting forms do wait.
 */
@FunctionalInterface
public interface TransferCallback {
    void onComplete(TransferResult result);
}
