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
 * <p><b>Many small transfers between the same locations</b> cost less through a {@link DmaStream}
 * ({@link DmaRuntime#stream()}): it dispatches, pins and maps once when it opens, and submits
 * what it staged with one doorbell, where each call here does all of that per transfer.
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

    // Copy and fill; the ops with a result value (compare, compare-pattern, CRC-32C) and dualcast
    // follow, in the same forms. An op no open engine declares is refused with
    // NoEngineAvailableException naming, per engine, the op it lacks.

    /**
     * Copies {@code lengthBytes} from {@code source + sourceOffset} to {@code destination + destinationOffset}.
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param sourceOffset the byte offset in {@code source} where reading starts, at least 0
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @param destinationOffset the byte offset in {@code destination} where writing starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @return a future completed with the result when the transfer ends; a device error is a status in the result, not
     *     an exceptional completion
     */
    CompletableFuture<TransferResult> copy(DmaLocation source, long sourceOffset,
                                           DmaLocation destination, long destinationOffset, long lengthBytes);

    /**
     * Copies the whole of {@code source} to the start of {@code destination}: the common case of
     * moving one buffer, window or device memory into another. A destination shorter than the
     * source is refused (naming both lengths) rather than cut short.
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @return a future completed with the result when the transfer ends; a device error is a status in the result, not
     *     an exceptional completion
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

    /**
     * As {@link #copy(DmaLocation, long, DmaLocation, long, long)}, reporting to {@code callback} instead of a future.
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param sourceOffset the byte offset in {@code source} where reading starts, at least 0
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @param destinationOffset the byte offset in {@code destination} where writing starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param callback called once when the transfer ends, with its result (see {@link TransferCallback} for where it
     *     runs)
     */
    void copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset, long lengthBytes,
              TransferCallback callback);

    /**
     * Fills {@code lengthBytes} at {@code destination + destinationOffset} with the 8 bytes of
     * {@code pattern} (little-endian) repeated: byte i of the range gets byte (i mod 8) of the pattern.
     *
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @param destinationOffset the byte offset in {@code destination} where writing starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param pattern the 8-byte pattern, little-endian: byte i of the range gets byte (i mod 8) of it
     * @return a future completed with the result when the fill ends; a device error is a status in the result
     */
    CompletableFuture<TransferResult> fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern);

    /**
     * As {@link #fill(DmaLocation, long, long, long)}, reporting to {@code callback}.
     *
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @param destinationOffset the byte offset in {@code destination} where writing starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param pattern the 8-byte pattern, little-endian: byte i of the range gets byte (i mod 8) of it
     * @param callback called once when the transfer ends, with its result (see {@link TransferCallback} for where it
     *     runs)
     */
    void fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern, TransferCallback callback);

    /**
     * As {@link #copy(DmaLocation, long, DmaLocation, long, long)}, but never waits for room.
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param sourceOffset the byte offset in {@code source} where reading starts, at least 0
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @param destinationOffset the byte offset in {@code destination} where writing starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @return a future completed with the result when the transfer ends
     * @throws BackpressureException if the chosen channel holds its bound of pending transfers
     *                               (nothing was pinned, mapped or queued)
     */
    CompletableFuture<TransferResult> tryCopy(DmaLocation source, long sourceOffset,
                                              DmaLocation destination, long destinationOffset, long lengthBytes);

    /**
     * As {@link #copy(DmaLocation, long, DmaLocation, long, long, TransferCallback)}, but never
     * waits for room; {@code callback} is not called when this throws.
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param sourceOffset the byte offset in {@code source} where reading starts, at least 0
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @param destinationOffset the byte offset in {@code destination} where writing starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param callback called once when the transfer ends, with its result (see {@link TransferCallback} for where it
     *     runs)
     * @throws BackpressureException if the chosen channel holds its bound of pending transfers
     */
    void tryCopy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset, long lengthBytes,
                 TransferCallback callback);

    /**
     * As {@link #fill(DmaLocation, long, long, long)}, but never waits for room.
     *
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @param destinationOffset the byte offset in {@code destination} where writing starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param pattern the 8-byte pattern, little-endian: byte i of the range gets byte (i mod 8) of it
     * @return a future completed with the result when the fill ends
     * @throws BackpressureException if the chosen channel holds its bound of pending transfers
     */
    CompletableFuture<TransferResult> tryFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern);

    /**
     * As {@link #fill(DmaLocation, long, long, long, TransferCallback)}, but never waits for room;
     * {@code callback} is not called when this throws.
     *
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @param destinationOffset the byte offset in {@code destination} where writing starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param pattern the 8-byte pattern, little-endian: byte i of the range gets byte (i mod 8) of it
     * @param callback called once when the transfer ends, with its result (see {@link TransferCallback} for where it
     *     runs)
     * @throws BackpressureException if the chosen channel holds its bound of pending transfers
     */
    void tryFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern, TransferCallback callback);

    /**
     * As {@link #copy(DmaLocation, long, DmaLocation, long, long, TransferCallback)}, reporting to
     * {@code handler} with {@code context}: the form that allocates nothing per transfer in steady
     * state (see {@link CompletionHandler}).
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param sourceOffset the byte offset in {@code source} where reading starts, at least 0
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @param destinationOffset the byte offset in {@code destination} where writing starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param handler called once when the transfer ends (see {@link CompletionHandler} for where it runs; allocates
     *     nothing)
     * @param context passed back to {@code handler} unchanged, e.g. a slot index
     */
    void copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset, long lengthBytes,
              CompletionHandler handler, long context);

    /**
     * As {@link #copy(DmaLocation, long, DmaLocation, long, long, CompletionHandler, long)}, but never waits for room.
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param sourceOffset the byte offset in {@code source} where reading starts, at least 0
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @param destinationOffset the byte offset in {@code destination} where writing starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param handler called once when the transfer ends (see {@link CompletionHandler} for where it runs; allocates
     *     nothing)
     * @param context passed back to {@code handler} unchanged, e.g. a slot index
     */
    void tryCopy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset, long lengthBytes,
                 CompletionHandler handler, long context);

    /**
     * As {@link #fill(DmaLocation, long, long, long, TransferCallback)}, reporting to {@code handler} with {@code context}.
     *
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @param destinationOffset the byte offset in {@code destination} where writing starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param pattern the 8-byte pattern, little-endian: byte i of the range gets byte (i mod 8) of it
     * @param handler called once when the transfer ends (see {@link CompletionHandler} for where it runs; allocates
     *     nothing)
     * @param context passed back to {@code handler} unchanged, e.g. a slot index
     */
    void fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern, CompletionHandler handler,
              long context);

    /**
     * As {@link #fill(DmaLocation, long, long, long, CompletionHandler, long)}, but never waits for room.
     *
     * @param destination where the bytes are written: a buffer, device window or device-private space of this runtime
     * @param destinationOffset the byte offset in {@code destination} where writing starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param pattern the 8-byte pattern, little-endian: byte i of the range gets byte (i mod 8) of it
     * @param handler called once when the transfer ends (see {@link CompletionHandler} for where it runs; allocates
     *     nothing)
     * @param context passed back to {@code handler} unchanged, e.g. a slot index
     */
    void tryFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern, CompletionHandler handler,
                 long context);

    /**
     * Compares {@code lengthBytes} at {@code a + aOffset} with as many at {@code b + bOffset}, writing
     * nothing. The result's {@link TransferResult#equal()} / {@link TransferResult#firstDifferenceOffset()}
     * say how they compare. Not split: longer than the engine's max transfer is refused.
     *
     * @param a the first location compared
     * @param aOffset the byte offset in {@code a} where the compared range starts
     * @param b the second location compared
     * @param bOffset the byte offset in {@code b} where the compared range starts
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @return a future completed with the result; read {@link TransferResult#equal()} and
     *     {@link TransferResult#firstDifferenceOffset()}
     */
    CompletableFuture<TransferResult> compare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes);

    /**
     * As the future form of {@code compare}, reporting to {@code callback}.
     *
     * @param a the first location compared
     * @param aOffset the byte offset in {@code a} where the compared range starts
     * @param b the second location compared
     * @param bOffset the byte offset in {@code b} where the compared range starts
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param callback called once when the transfer ends, with its result (see {@link TransferCallback} for where it
     *     runs)
     */
    void compare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes, TransferCallback callback);

    /**
     * As the future form of {@code compare}, reporting to {@code handler} with {@code context} (allocates nothing in steady state).
     *
     * @param a the first location compared
     * @param aOffset the byte offset in {@code a} where the compared range starts
     * @param b the second location compared
     * @param bOffset the byte offset in {@code b} where the compared range starts
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param handler called once when the transfer ends (see {@link CompletionHandler} for where it runs; allocates
     *     nothing)
     * @param context passed back to {@code handler} unchanged, e.g. a slot index
     */
    void compare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes, CompletionHandler handler, long context);

    /**
     * As the future form of {@code compare}, but never waits for room.
     *
     * @param a the first location compared
     * @param aOffset the byte offset in {@code a} where the compared range starts
     * @param b the second location compared
     * @param bOffset the byte offset in {@code b} where the compared range starts
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @return a future completed with the result; read {@link TransferResult#equal()}
     * @throws BackpressureException if the chosen channel holds its bound of pending transfers
     */
    CompletableFuture<TransferResult> tryCompare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes);

    /**
     * As the callback form of {@code compare}, but never waits for room; {@code callback} is not called when this throws.
     *
     * @param a the first location compared
     * @param aOffset the byte offset in {@code a} where the compared range starts
     * @param b the second location compared
     * @param bOffset the byte offset in {@code b} where the compared range starts
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param callback called once when the transfer ends, with its result (see {@link TransferCallback} for where it
     *     runs)
     */
    void tryCompare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes, TransferCallback callback);

    /**
     * As the handler form of {@code compare}, but never waits for room.
     *
     * @param a the first location compared
     * @param aOffset the byte offset in {@code a} where the compared range starts
     * @param b the second location compared
     * @param bOffset the byte offset in {@code b} where the compared range starts
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param handler called once when the transfer ends (see {@link CompletionHandler} for where it runs; allocates
     *     nothing)
     * @param context passed back to {@code handler} unchanged, e.g. a slot index
     */
    void tryCompare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes, CompletionHandler handler, long context);

    /**
     * Compares {@code lengthBytes} at {@code location + offset} with the 8 bytes of {@code pattern}
     * (little-endian) repeated, as {@link #fill} writes them, writing nothing; the result reads as a
     * compare's. Not split: longer than the engine's max transfer is refused.
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param pattern the 8-byte pattern, little-endian: byte i of the range gets byte (i mod 8) of it
     * @return a future completed with the result; read {@link TransferResult#equal()} and
     *     {@link TransferResult#firstDifferenceOffset()}
     */
    CompletableFuture<TransferResult> comparePattern(DmaLocation location, long offset, long lengthBytes, long pattern);

    /**
     * As the future form of {@code comparePattern}, reporting to {@code callback}.
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param pattern the 8-byte pattern, little-endian: byte i of the range gets byte (i mod 8) of it
     * @param callback called once when the transfer ends, with its result (see {@link TransferCallback} for where it
     *     runs)
     */
    void comparePattern(DmaLocation location, long offset, long lengthBytes, long pattern, TransferCallback callback);

    /**
     * As the future form of {@code comparePattern}, reporting to {@code handler} with {@code context} (allocates nothing in steady state).
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param pattern the 8-byte pattern, little-endian: byte i of the range gets byte (i mod 8) of it
     * @param handler called once when the transfer ends (see {@link CompletionHandler} for where it runs; allocates
     *     nothing)
     * @param context passed back to {@code handler} unchanged, e.g. a slot index
     */
    void comparePattern(DmaLocation location, long offset, long lengthBytes, long pattern, CompletionHandler handler, long context);

    /**
     * As the future form of {@code comparePattern}, but never waits for room.
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param pattern the 8-byte pattern, little-endian: byte i of the range gets byte (i mod 8) of it
     * @return a future completed with the result; read {@link TransferResult#equal()}
     * @throws BackpressureException if the chosen channel holds its bound of pending transfers
     */
    CompletableFuture<TransferResult> tryComparePattern(DmaLocation location, long offset, long lengthBytes, long pattern);

    /**
     * As the callback form of {@code comparePattern}, but never waits for room; {@code callback} is not called when this throws.
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param pattern the 8-byte pattern, little-endian: byte i of the range gets byte (i mod 8) of it
     * @param callback called once when the transfer ends, with its result (see {@link TransferCallback} for where it
     *     runs)
     */
    void tryComparePattern(DmaLocation location, long offset, long lengthBytes, long pattern, TransferCallback callback);

    /**
     * As the handler form of {@code comparePattern}, but never waits for room.
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param pattern the 8-byte pattern, little-endian: byte i of the range gets byte (i mod 8) of it
     * @param handler called once when the transfer ends (see {@link CompletionHandler} for where it runs; allocates
     *     nothing)
     * @param context passed back to {@code handler} unchanged, e.g. a slot index
     */
    void tryComparePattern(DmaLocation location, long offset, long lengthBytes, long pattern, CompletionHandler handler, long context);

    /**
     * Computes the CRC-32C of {@code lengthBytes} at {@code location + offset}, continuing from
     * {@code seed}: the CRC-32C of the data before the range (0 to start afresh, which gives what
     * {@link java.util.zip.CRC32C} gives; a previous result's {@link TransferResult#crc32c()} to
     * chain), in 0..2^32-1. The result's {@link TransferResult#crc32c()} holds the CRC. Not split:
     * longer than the engine's max transfer is refused.
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param seed the CRC-32C of the data before the range, 0 to start afresh, in 0..2^32-1
     * @return a future completed with the result; {@link TransferResult#crc32c()} holds the CRC
     */
    CompletableFuture<TransferResult> crc32c(DmaLocation location, long offset, long lengthBytes, long seed);

    /**
     * As the future form of {@code crc32c}, reporting to {@code callback}.
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param seed the CRC-32C of the data before the range, 0 to start afresh, in 0..2^32-1
     * @param callback called once when the transfer ends, with its result (see {@link TransferCallback} for where it
     *     runs)
     */
    void crc32c(DmaLocation location, long offset, long lengthBytes, long seed, TransferCallback callback);

    /**
     * As the future form of {@code crc32c}, reporting to {@code handler} with {@code context} (allocates nothing in steady state).
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param seed the CRC-32C of the data before the range, 0 to start afresh, in 0..2^32-1
     * @param handler called once when the transfer ends (see {@link CompletionHandler} for where it runs; allocates
     *     nothing)
     * @param context passed back to {@code handler} unchanged, e.g. a slot index
     */
    void crc32c(DmaLocation location, long offset, long lengthBytes, long seed, CompletionHandler handler, long context);

    /**
     * As the future form of {@code crc32c}, but never waits for room.
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param seed the CRC-32C of the data before the range, 0 to start afresh, in 0..2^32-1
     * @return a future completed with the result; {@link TransferResult#crc32c()} holds the CRC
     * @throws BackpressureException if the chosen channel holds its bound of pending transfers
     */
    CompletableFuture<TransferResult> tryCrc32c(DmaLocation location, long offset, long lengthBytes, long seed);

    /**
     * As the callback form of {@code crc32c}, but never waits for room; {@code callback} is not called when this throws.
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param seed the CRC-32C of the data before the range, 0 to start afresh, in 0..2^32-1
     * @param callback called once when the transfer ends, with its result (see {@link TransferCallback} for where it
     *     runs)
     */
    void tryCrc32c(DmaLocation location, long offset, long lengthBytes, long seed, TransferCallback callback);

    /**
     * As the handler form of {@code crc32c}, but never waits for room.
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts, at least 0
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param seed the CRC-32C of the data before the range, 0 to start afresh, in 0..2^32-1
     * @param handler called once when the transfer ends (see {@link CompletionHandler} for where it runs; allocates
     *     nothing)
     * @param context passed back to {@code handler} unchanged, e.g. a slot index
     */
    void tryCrc32c(DmaLocation location, long offset, long lengthBytes, long seed, CompletionHandler handler, long context);

    /**
     * Copies {@code lengthBytes} from {@code source + sourceOffset} to both {@code destination1 +
     * destination1Offset} and {@code destination2 + destination2Offset} (no two of the three ranges
     * may overlap).
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param sourceOffset the byte offset in {@code source} where reading starts, at least 0
     * @param destination1 the first location written
     * @param destination1Offset the byte offset in {@code destination1} where writing starts
     * @param destination2 the second location written
     * @param destination2Offset the byte offset in {@code destination2} where writing starts
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @return a future completed with the result when both destinations are written
     */
    CompletableFuture<TransferResult> dualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes);

    /**
     * As the future form of {@code dualcast}, reporting to {@code callback}.
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param sourceOffset the byte offset in {@code source} where reading starts, at least 0
     * @param destination1 the first location written
     * @param destination1Offset the byte offset in {@code destination1} where writing starts
     * @param destination2 the second location written
     * @param destination2Offset the byte offset in {@code destination2} where writing starts
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param callback called once when the transfer ends, with its result (see {@link TransferCallback} for where it
     *     runs)
     */
    void dualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes, TransferCallback callback);

    /**
     * As the future form of {@code dualcast}, reporting to {@code handler} with {@code context} (allocates nothing in steady state).
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param sourceOffset the byte offset in {@code source} where reading starts, at least 0
     * @param destination1 the first location written
     * @param destination1Offset the byte offset in {@code destination1} where writing starts
     * @param destination2 the second location written
     * @param destination2Offset the byte offset in {@code destination2} where writing starts
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param handler called once when the transfer ends (see {@link CompletionHandler} for where it runs; allocates
     *     nothing)
     * @param context passed back to {@code handler} unchanged, e.g. a slot index
     */
    void dualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes, CompletionHandler handler, long context);

    /**
     * As the future form of {@code dualcast}, but never waits for room.
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param sourceOffset the byte offset in {@code source} where reading starts, at least 0
     * @param destination1 the first location written
     * @param destination1Offset the byte offset in {@code destination1} where writing starts
     * @param destination2 the second location written
     * @param destination2Offset the byte offset in {@code destination2} where writing starts
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @return a future completed with the result when both destinations are written
     * @throws BackpressureException if the chosen channel holds its bound of pending transfers
     */
    CompletableFuture<TransferResult> tryDualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes);

    /**
     * As the callback form of {@code dualcast}, but never waits for room; {@code callback} is not called when this throws.
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param sourceOffset the byte offset in {@code source} where reading starts, at least 0
     * @param destination1 the first location written
     * @param destination1Offset the byte offset in {@code destination1} where writing starts
     * @param destination2 the second location written
     * @param destination2Offset the byte offset in {@code destination2} where writing starts
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param callback called once when the transfer ends, with its result (see {@link TransferCallback} for where it
     *     runs)
     */
    void tryDualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes, TransferCallback callback);

    /**
     * As the handler form of {@code dualcast}, but never waits for room.
     *
     * @param source where the bytes are read: a buffer, device window or device-private space of this runtime
     * @param sourceOffset the byte offset in {@code source} where reading starts, at least 0
     * @param destination1 the first location written
     * @param destination1Offset the byte offset in {@code destination1} where writing starts
     * @param destination2 the second location written
     * @param destination2Offset the byte offset in {@code destination2} where writing starts
     * @param lengthBytes how many bytes, at least 1; the range must lie within the location(s)
     * @param handler called once when the transfer ends (see {@link CompletionHandler} for where it runs; allocates
     *     nothing)
     * @param context passed back to {@code handler} unchanged, e.g. a slot index
     */
    void tryDualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes, CompletionHandler handler, long context);

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
     *
     * @return an empty batch bound to this runtime (or to this view's engine)
     */
    Batch batch();
}
