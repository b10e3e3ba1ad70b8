package io.dmactl.core;

import io.dmactl.core.dispatch.TransferShape;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.spi.DmaOpKind;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** {@link DmaTransfers} of a runtime, optionally pinned to one engine or provider. */
final class RuntimeTransfers implements DmaTransfers {
    private final DmaRuntime runtime;
    private final LocationRegistry locations;
    private final String requestedEngine;

    RuntimeTransfers(DmaRuntime runtime, LocationRegistry locations, String requestedEngine) {
        this.runtime = runtime;
        this.locations = locations;
        this.requestedEngine = requestedEngine;
    }

    @Override
    public CompletableFuture<TransferResult> copy(DmaLocation source, long sourceOffset, DmaLocation destination,
                                                  long destinationOffset, long lengthBytes) {
        return submitForFuture(copyShape(source, sourceOffset, destination, destinationOffset, lengthBytes), true);
    }

    @Override
    public void copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                     long lengthBytes, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        runtime.submitOne(copyShape(source, sourceOffset, destination, destinationOffset, lengthBytes), callback, true);
    }

    @Override
    public CompletableFuture<TransferResult> tryCopy(DmaLocation source, long sourceOffset, DmaLocation destination,
                                                     long destinationOffset, long lengthBytes) {
        return submitForFuture(copyShape(source, sourceOffset, destination, destinationOffset, lengthBytes), false);
    }

    @Override
    public void tryCopy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                        long lengthBytes, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        runtime.submitOne(copyShape(source, sourceOffset, destination, destinationOffset, lengthBytes), callback, false);
    }

    @Override
    public CompletableFuture<TransferResult> fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern) {
        return submitForFuture(fillShape(destination, destinationOffset, lengthBytes, pattern), true);
    }

    @Override
    public void fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        runtime.submitOne(fillShape(destination, destinationOffset, lengthBytes, pattern), callback, true);
    }

    @Override
    public CompletableFuture<TransferResult> tryFill(DmaLocation destination, long destinationOffset, long lengthBytes,
                                                     long pattern) {
        return submitForFuture(fillShape(destination, destinationOffset, lengthBytes, pattern), false);
    }

    @Override
    public void tryFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern,
                        TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        runtime.submitOne(fillShape(destination, destinationOffset, lengthBytes, pattern), callback, false);
    }

    @Override
    public Batch batch() {
        return new Batch(this);
    }

    /** One transfer whose result the caller takes as a future (the only allocation beyond the transfer's own). */
    private CompletableFuture<TransferResult> submitForFuture(TransferShape shape, boolean waitForRoom) {
        CompletableFuture<TransferResult> future = new CompletableFuture<>();
        runtime.submitOne(shape, future::complete, waitForRoom);
        return future;
    }

    TransferShape copyShape(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                            long lengthBytes) {
        checkLength(lengthBytes);
        locations.checkRange("source", source, sourceOffset, lengthBytes);
        locations.checkRange("destination", destination, destinationOffset, lengthBytes);
        if (source == destination && sourceOffset < destinationOffset + lengthBytes
            && destinationOffset < sourceOffset + lengthBytes) {
            throw new IllegalArgumentException("source range [" + sourceOffset + ", " + (sourceOffset + lengthBytes)
                + ") and destination range [" + destinationOffset + ", " + (destinationOffset + lengthBytes)
                + ") overlap in " + source.describe() + "; DMA engines do not define overlapping copies");
        }
        return new TransferShape(DmaOpKind.COPY, source, sourceOffset, destination, destinationOffset, lengthBytes, 0,
            requestedEngine);
    }

    TransferShape fillShape(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern) {
        checkLength(lengthBytes);
        locations.checkRange("destination", destination, destinationOffset, lengthBytes);
        return new TransferShape(DmaOpKind.FILL, null, 0, destination, destinationOffset, lengthBytes, pattern,
            requestedEngine);
    }

    BatchResult submitBatch(List<TransferShape> shapes, List<Boolean> fences, boolean waitForRoom) {
        return runtime.submitBatch(shapes, fences, waitForRoom);
    }

    private static void checkLength(long lengthBytes) {
        if (lengthBytes <= 0) {
            throw new IllegalArgumentException("lengthBytes " + lengthBytes + " must be positive");
        }
    }
}
