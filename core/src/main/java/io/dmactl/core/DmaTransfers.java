package io.dmactl.core;

import io.dmactl.core.location.DmaLocation;

import java.util.concurrent.CompletableFuture;

/**
 * Transfers between locations. Thread-safe. Misuse (null, negative or out-of-bounds offsets and
 * lengths, overlapping copy ranges, closed or foreign locations, no engine able to serve it) is
 * refused synchronously, before anything is touched, with the bad value in the message. Device
 * outcomes never throw: the result carries the {@link TransferStatus}.
 *
 * <p><b>Run to completion.</b> The calling thread does the work itself when it can: a submission
 * that finds its channel free writes the transfer into the engine's ring and rings the doorbell
 * on the caller's thread, and {@code join()}/{@code get()} on a returned future harvest that
 * channel on the waiting thread (spinning briefly, then parking while the channel's worker thread
 * finishes), as does {@link DmaRuntime#poll()} for every channel. So a synchronous copy costs no
 * thread hand-off, and a client that keeps transfers in flight with a {@link CompletionHandler}
 * and calls {@code poll()} in its loop gets its completions on its own thread, allocating nothing.
 * Clients that do not poll lose nothing: each channel's worker takes over work nobody drives
 * (within about 100 µs) and delivers it. Each transfer completes exactly once, whoever harvests it.
 *
 * <p><b>Backpressure.</b> Each engine channel holds at most a bounded number of pending transfers
 * (admitted, not yet completed: {@link DmaRuntime.Builder#maxPendingPerChannel}). A transfer is
 * admitted to the chosen engine's least loaded channel before anything is pinned or mapped.
 * When that channel is full:
 * <ul>
 *   <li>{@code copy}, {@code fill} and {@link Batch#submit()} <em>wait</em>, interruptibly, until
 *       a completion frees room (first harvesting the full channel themselves for up to a
 *       millisecond, then parked), at most {@link DmaRuntime.Builder#admissionTimeout}; then (or
 *       when interrupted) they throw {@link BackpressureException}. If the engine is retired while
 *       they wait they dispatch again (another engine, or {@code NoEngineAvailableException}
 *       saying why); if the runtime closes, they throw {@code IllegalStateException}.</li>
 *   <li>{@code tryCopy}, {@code tryFill} and {@link Batch#trySubmit()} never wait: they throw
 *       {@link BackpressureException} at once, naming the engine, the channel and its bound.</li>
 *   <li>On a thread that drives a channel (a completion callback or handler without a completion
 *       executor, on a worker or a polling client), the waiting forms do not wait, so a callback that submits more work cannot deadlock its own
 *       channel: the work is admitted over the bound (clients wait until the count is back
 *       under it). The {@code try} forms stay fail-fast there; use them in a callback that must
 *       respect the bound.</li>
 * </ul>
 */
public interface DmaTransfers {

    /** Copies {@code lengthBytes} from {@code source + sourceOffset} to {@code destination + destinationOffset}. */
    CompletableFuture<TransferResult> copy(DmaLocation source, long sourceOffset,
                                           DmaLocation destination, long destinationOffset, long lengthBytes);

    /**
     * Copies the whole of {@code source} to the start of {@code destination}: the common case of
     * moving one buffer, window or device memory into another. A destination shorter than the
     * source is refused (naming both lengths) rather than cut short.
     */
    default CompletableFuture<TransferResult> copy(DmaLocation source, DmaLocation destination) {
        if (source == null || destination == null) {
            throw new NullPointerException(source == null ? "source" : "destination");
        }
        if (destination.lengthBytes() < source.lengthBytes()) {
            throw new IllegalArgumentException("cannot copy all " + source.lengthBytes() + " bytes of " + source.describe()
                + " into " + destination.describe() + ", which holds " + destination.lengthBytes()
                + " bytes; name offsets and a length to copy part of it");
        }
        return copy(source, 0, destination, 0, source.lengthBytes());
    }

    /** As {@link #copy(DmaLocation, long, DmaLocation, long, long)}, reporting to {@code callback} instead of a future. */
    void copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset, long lengthBytes,
              TransferCallback callback);

    /**
     * Fills {@code lengthBytes} at {@code destination + destinationOffset} with the 8 bytes of
     * {@code pattern} (little-endian) repeated: byte i of the range gets byte (i mod 8) of the pattern.
     */
    CompletableFuture<TransferResult> fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern);

    /** As {@link #fill(DmaLocation, long, long, long)}, reporting to {@code callback}. */
    void fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern, TransferCallback callback);

    /**
     * As {@link #copy(DmaLocation, long, DmaLocation, long, long)}, but never waits for room.
     *
     * @throws BackpressureException if the chosen channel holds its bound of pending transfers
     *                               (nothing was pinned, mapped or queued)
     */
    CompletableFuture<TransferResult> tryCopy(DmaLocation source, long sourceOffset,
                                              DmaLocation destination, long destinationOffset, long lengthBytes);

    /**
     * As {@link #copy(DmaLocation, long, DmaLocation, long, long, TransferCallback)}, but never
     * waits for room; {@code callback} is not called when this throws.
     *
     * @throws BackpressureException if the chosen channel holds its bound of pending transfers
     */
    void tryCopy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset, long lengthBytes,
                 TransferCallback callback);

    /**
     * As {@link #fill(DmaLocation, long, long, long)}, but never waits for room.
     *
     * @throws BackpressureException if the chosen channel holds its bound of pending transfers
     */
    CompletableFuture<TransferResult> tryFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern);

    /**
     * As {@link #fill(DmaLocation, long, long, long, TransferCallback)}, but never waits for room;
     * {@code callback} is not called when this throws.
     *
     * @throws BackpressureException if the chosen channel holds its bound of pending transfers
     */
    void tryFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern, TransferCallback callback);

    /**
     * As {@link #copy(DmaLocation, long, DmaLocation, long, long, TransferCallback)}, reporting to
     * {@code handler} with {@code context}: the form that allocates nothing per transfer in steady
     * state (see {@link CompletionHandler}).
     */
    void copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset, long lengthBytes,
              CompletionHandler handler, long context);

    /** As {@link #copy(DmaLocation, long, DmaLocation, long, long, CompletionHandler, long)}, but never waits for room. */
    void tryCopy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset, long lengthBytes,
                 CompletionHandler handler, long context);

    /** As {@link #fill(DmaLocation, long, long, long, TransferCallback)}, reporting to {@code handler} with {@code context}. */
    void fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern, CompletionHandler handler,
              long context);

    /** As {@link #fill(DmaLocation, long, long, long, CompletionHandler, long)}, but never waits for room. */
    void tryFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern, CompletionHandler handler,
                 long context);

    /**
     * Drives every channel of the runtime that is free, on the calling thread: feeds what is
     * queued, harvests what completed, and runs those transfers' callbacks and handlers here.
     * The polling half of run to completion: a client that keeps transfers in flight calls this
     * in its loop, and its completions cost no thread hand-off. Channels another thread drives at
     * the moment are skipped (their owner harvests them). Clients that never poll still get every
     * completion, from the channels' worker threads, a little later. Allocates nothing; never blocks.
     *
     * @return completions harvested (an op the core split into chunks counts per chunk); 0 once the runtime is closed
     */
    int poll();

    /**
     * A batch: several ops handed to one engine channel with one doorbell, optionally fenced;
     * {@link Batch#submit()} waits for room for all of them, {@link Batch#trySubmit()} does not.
     */
    Batch batch();
}
