package io.dmactl.core;

import io.dmactl.core.dispatch.TransferShape;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.spi.DmaOpKind;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** {@link DmaTransfers} of a runtime, optionally pinned to one engine or provider. */
final class RuntimeTransfers implements DmaTransfers {
    private static final ThreadLocal<TransferShape> SCRATCH = ThreadLocal.withInitial(TransferShape::reusable);
    private final RuntimeSubmitter submitter;
    private final LocationRegistry locations;
    private final String requestedEngine;

    RuntimeTransfers(RuntimeSubmitter submitter, LocationRegistry locations, String requestedEngine) {
        this.submitter = submitter;
        this.locations = locations;
        this.requestedEngine = requestedEngine;
    }

    @Override
    public CompletableFuture<TransferResult> copy(DmaLocation source, long sourceOffset, DmaLocation destination,
                                                  long destinationOffset, long lengthBytes) {
        return submitForFuture(copyShape(scratch(), source, sourceOffset, destination, destinationOffset, lengthBytes), true);
    }

    @Override
    public void copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                     long lengthBytes, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        submitOne(copyShape(scratch(), source, sourceOffset, destination, destinationOffset, lengthBytes), callback, null, 0,
            false, true);
    }

    @Override
    public CompletableFuture<TransferResult> tryCopy(DmaLocation source, long sourceOffset, DmaLocation destination,
                                                     long destinationOffset, long lengthBytes) {
        return submitForFuture(copyShape(scratch(), source, sourceOffset, destination, destinationOffset, lengthBytes), false);
    }

    @Override
    public void tryCopy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                        long lengthBytes, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        submitOne(copyShape(scratch(), source, sourceOffset, destination, destinationOffset, lengthBytes), callback, null, 0,
            false, false);
    }

    @Override
    public CompletableFuture<TransferResult> fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern) {
        return submitForFuture(fillShape(scratch(), destination, destinationOffset, lengthBytes, pattern), true);
    }

    @Override
    public void fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        submitOne(fillShape(scratch(), destination, destinationOffset, lengthBytes, pattern), callback, null, 0, false, true);
    }

    @Override
    public CompletableFuture<TransferResult> tryFill(DmaLocation destination, long destinationOffset, long lengthBytes,
                                                     long pattern) {
        return submitForFuture(fillShape(scratch(), destination, destinationOffset, lengthBytes, pattern), false);
    }

    @Override
    public void tryFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern,
                        TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        submitOne(fillShape(scratch(), destination, destinationOffset, lengthBytes, pattern), callback, null, 0, false, false);
    }

    @Override
    public int poll() {
        return submitter.pollIfOpen();
    }

    @Override
    public Batch batch() {
        return new Batch(this);
    }

    @Override
    public void copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset, long lengthBytes,
                     CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        submitOne(copyShape(scratch(), source, sourceOffset, destination, destinationOffset, lengthBytes), null, handler, context,
            false, true);
    }

    @Override
    public void tryCopy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                        long lengthBytes, CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        submitOne(copyShape(scratch(), source, sourceOffset, destination, destinationOffset, lengthBytes), null, handler, context,
            false, false);
    }

    @Override
    public void fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern,
                     CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        submitOne(fillShape(scratch(), destination, destinationOffset, lengthBytes, pattern), null, handler, context, false, true);
    }

    @Override
    public void tryFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern,
                        CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        submitOne(fillShape(scratch(), destination, destinationOffset, lengthBytes, pattern), null, handler, context, false, false);
    }

    /** One transfer whose result the caller takes as a future, which waits by driving the channel (see {@link DrivingFuture}). */
    private CompletableFuture<TransferResult> submitForFuture(TransferShape shape, boolean waitForRoom) {
        return submitOne(shape, null, null, 0, true, waitForRoom);
    }

    private DrivingFuture.OfTransfer submitOne(TransferShape shape, TransferCallback callback, CompletionHandler handler,
                                               long context, boolean wantFuture, boolean waitForRoom) {
        try {
            return submitter.submitOne(shape, callback, handler, context, wantFuture, waitForRoom);
        } finally {
            shape.release();
        }
    }

    /**
     * This thread's reusable shape for one submission (nothing allocated to dispatch it), or a
     * fresh one when it is in use: a callback run by a submission that harvested for room submits again.
     */
    private static TransferShape scratch() {
        TransferShape shape = SCRATCH.get();
        return shape.inUse() ? TransferShape.reusable() : shape;
    }

    /** An immutable shape of a checked copy (batches, explanations). */
    TransferShape copyShape(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                            long lengthBytes) {
        return copyShape(null, source, sourceOffset, destination, destinationOffset, lengthBytes);
    }

    /** An immutable shape of a checked fill. */
    TransferShape fillShape(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern) {
        return fillShape(null, destination, destinationOffset, lengthBytes, pattern);
    }

    /** Checks a copy; fills {@code reusable}, or a new immutable shape when it is null. */
    private TransferShape copyShape(TransferShape reusable, DmaLocation source, long sourceOffset, DmaLocation destination,
                                    long destinationOffset, long lengthBytes) {
        checkLength(lengthBytes);
        locations.checkRange("source", source, sourceOffset, lengthBytes);
        locations.checkRange("destination", destination, destinationOffset, lengthBytes);
        if (source == destination && sourceOffset < destinationOffset + lengthBytes
            && destinationOffset < sourceOffset + lengthBytes) {
            throw new IllegalArgumentException("source range [" + sourceOffset + ", " + (sourceOffset + lengthBytes)
                + ") and destination range [" + destinationOffset + ", " + (destinationOffset + lengthBytes)
                + ") overlap in " + source.describe() + "; DMA engines do not define overlapping copies");
        }
        return reusable == null
            ? new TransferShape(DmaOpKind.COPY, source, sourceOffset, destination, destinationOffset, lengthBytes, 0,
                requestedEngine)
            : reusable.set(DmaOpKind.COPY, source, sourceOffset, destination, destinationOffset, lengthBytes, 0, requestedEngine);
    }

    private TransferShape fillShape(TransferShape reusable, DmaLocation destination, long destinationOffset, long lengthBytes,
                                    long pattern) {
        checkLength(lengthBytes);
        locations.checkRange("destination", destination, destinationOffset, lengthBytes);
        return reusable == null
            ? new TransferShape(DmaOpKind.FILL, null, 0, destination, destinationOffset, lengthBytes, pattern, requestedEngine)
            : reusable.set(DmaOpKind.FILL, null, 0, destination, destinationOffset, lengthBytes, pattern, requestedEngine);
    }

    BatchResult submitBatch(List<TransferShape> shapes, List<Boolean> fences, boolean waitForRoom) {
        return submitter.submitBatch(shapes, fences, waitForRoom);
    }

    private static void checkLength(long lengthBytes) {
        if (lengthBytes <= 0) {
            throw new IllegalArgumentException("lengthBytes " + lengthBytes + " must be positive");
        }
    }
}
