package io.dmactl.core;

/**
 * The allocation-free way to hear that a transfer ended: one handler object serves any number of
 * transfers, each submitted with a {@code long} context of the client's choosing (a slot index, a
 * sequence number), so no lambda or record is made per transfer. This is the form for
 * run-to-completion clients that keep many small transfers in flight; {@link TransferCallback}
 * and the {@code CompletableFuture} forms are the convenient ones, and each allocates a
 * {@link TransferResult} (and the future) per transfer.
 *
 * <p><b>Where it runs.</b> On the thread that drives the transfer's channel when the completion
 * is harvested: a client thread inside {@link DmaRuntime#poll()} or waiting in {@code join()} on
 * one of that channel's futures, or the channel's worker thread (the fallback when no client
 * polls). With {@link DmaRuntime.Builder#completionExecutor} it runs on that executor instead,
 * and that path allocates a snapshot per transfer.
 *
 * <p><b>Concurrency.</b> Calls for transfers of one channel come one at a time, each after the
 * last returned (whichever thread makes them). A handler given to transfers that the runtime
 * spreads over several channels (an engine with more channels, or several engines) is called for
 * them from several threads at once: while this thread polls one channel, another channel's
 * worker may deliver. Such a handler must be thread-safe (an {@code AtomicLong} count, not a
 * plain {@code long}). A {@link DmaStream}'s transfers all run on one channel.
 *
 * <p><b>The completion is a view.</b> {@code completion} is valid only until {@code onComplete}
 * returns; the runtime reuses it for the channel's next completion. Read what you need inside
 * the call, or keep {@link Completion#toResult()}.
 *
 * <p>Same rules as {@link TransferCallback}: keep it short, do not block waiting for other
 * transfers of the same channel (waiting in {@code join()} there throws), do not close the
 * runtime from it. It may submit more work; exceptions it throws are logged and the channel
 * carries on.
 */
@FunctionalInterface
public interface CompletionHandler {
    /**
     * Called once when a transfer submitted with this handler ends.
     *
     * @param context    the value given with the transfer at submission
     * @param completion how it ended; valid only during this call
     */
    void onComplete(long context, Completion completion);
}
