package io.dmactl.core;

import io.dmactl.core.location.DmaLocation;

import java.util.concurrent.CompletableFuture;

/**
 * Transfers between locations. Thread-safe. Misuse (null, negative or out-of-bounds offsets and
 * lengths, overlapping copy ranges, closed or foreign locations, no engine able to serve it) is
 * refused synchronously, before anything is touched, with the bad value in the message. Device
 * outcomes never throw: the result carries the {@link TransferStatus}.
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

    /** A batch: several ops handed to one engine channel with one doorbell, optionally fenced. */
    Batch batch();
}
