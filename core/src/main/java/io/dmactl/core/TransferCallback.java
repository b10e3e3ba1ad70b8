package io.dmactl.core;

/**
 * Called once when a transfer ends, on the thread that drives the transfer's channel when its
 * completion is harvested: a client thread inside {@link DmaRuntime#poll()} or waiting in
 * {@code join()}/{@code get()} on a future of the same channel, or the channel's worker thread
 * (the fallback when no client harvests); with a completion executor, on the executor. Keep it
 * short: the channel makes no progress while it runs, and it must not wait for other transfers of
 * the same channel (a {@code join()} there throws {@code IllegalStateException} rather than wait
 * for itself) or close the runtime. Exceptions it throws are logged; the channel carries on.
 *
 * <p>It may submit more work. The transfer's room on its channel is given back before this runs.
 * Where it runs without an executor, {@code copy}/{@code fill}/{@code Batch.submit} never wait for
 * room (they are admitted over the channel's bound, see {@link DmaTransfers}), while
 * {@code tryCopy}/{@code tryFill} still throw {@link BackpressureException} on a full channel.
 *
 * <p>Each call gets a new {@link TransferResult}. For many small transfers in flight, the
 * allocation-free form is {@link CompletionHandler}.
 */
@FunctionalInterface
public interface TransferCallback {
    /**
     * Called once when the transfer ends, with how it ended.
     *
     * @param result how it ended
     */
    void onComplete(TransferResult result);
}
