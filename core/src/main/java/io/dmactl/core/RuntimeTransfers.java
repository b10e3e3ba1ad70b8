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

    @Override
    public CompletableFuture<TransferResult> compare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes) {
        return submitForFuture(compareShape(scratch(), a, aOffset, b, bOffset, lengthBytes), true);
    }

    @Override
    public void compare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        submitOne(compareShape(scratch(), a, aOffset, b, bOffset, lengthBytes), callback, null, 0, false, true);
    }

    @Override
    public void compare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes, CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        submitOne(compareShape(scratch(), a, aOffset, b, bOffset, lengthBytes), null, handler, context, false, true);
    }

    @Override
    public CompletableFuture<TransferResult> tryCompare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes) {
        return submitForFuture(compareShape(scratch(), a, aOffset, b, bOffset, lengthBytes), false);
    }

    @Override
    public void tryCompare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        submitOne(compareShape(scratch(), a, aOffset, b, bOffset, lengthBytes), callback, null, 0, false, false);
    }

    @Override
    public void tryCompare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes, CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        submitOne(compareShape(scratch(), a, aOffset, b, bOffset, lengthBytes), null, handler, context, false, false);
    }

    @Override
    public CompletableFuture<TransferResult> comparePattern(DmaLocation location, long offset, long lengthBytes, long pattern) {
        return submitForFuture(comparePatternShape(scratch(), location, offset, lengthBytes, pattern), true);
    }

    @Override
    public void comparePattern(DmaLocation location, long offset, long lengthBytes, long pattern, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        submitOne(comparePatternShape(scratch(), location, offset, lengthBytes, pattern), callback, null, 0, false, true);
    }

    @Override
    public void comparePattern(DmaLocation location, long offset, long lengthBytes, long pattern, CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        submitOne(comparePatternShape(scratch(), location, offset, lengthBytes, pattern), null, handler, context, false, true);
    }

    @Override
    public CompletableFuture<TransferResult> tryComparePattern(DmaLocation location, long offset, long lengthBytes, long pattern) {
        return submitForFuture(comparePatternShape(scratch(), location, offset, lengthBytes, pattern), false);
    }

    @Override
    public void tryComparePattern(DmaLocation location, long offset, long lengthBytes, long pattern, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        submitOne(comparePatternShape(scratch(), location, offset, lengthBytes, pattern), callback, null, 0, false, false);
    }

    @Override
    public void tryComparePattern(DmaLocation location, long offset, long lengthBytes, long pattern, CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        submitOne(comparePatternShape(scratch(), location, offset, lengthBytes, pattern), null, handler, context, false, false);
    }

    @Override
    public CompletableFuture<TransferResult> crc32c(DmaLocation location, long offset, long lengthBytes, long seed) {
        return submitForFuture(crc32cShape(scratch(), location, offset, lengthBytes, seed), true);
    }

    @Override
    public void crc32c(DmaLocation location, long offset, long lengthBytes, long seed, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        submitOne(crc32cShape(scratch(), location, offset, lengthBytes, seed), callback, null, 0, false, true);
    }

    @Override
    public void crc32c(DmaLocation location, long offset, long lengthBytes, long seed, CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        submitOne(crc32cShape(scratch(), location, offset, lengthBytes, seed), null, handler, context, false, true);
    }

    @Override
    public CompletableFuture<TransferResult> tryCrc32c(DmaLocation location, long offset, long lengthBytes, long seed) {
        return submitForFuture(crc32cShape(scratch(), location, offset, lengthBytes, seed), false);
    }

    @Override
    public void tryCrc32c(DmaLocation location, long offset, long lengthBytes, long seed, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        submitOne(crc32cShape(scratch(), location, offset, lengthBytes, seed), callback, null, 0, false, false);
    }

    @Override
    public void tryCrc32c(DmaLocation location, long offset, long lengthBytes, long seed, CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        submitOne(crc32cShape(scratch(), location, offset, lengthBytes, seed), null, handler, context, false, false);
    }

    @Override
    public CompletableFuture<TransferResult> dualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes) {
        return submitForFuture(dualcastShape(scratch(), source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes), true);
    }

    @Override
    public void dualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        submitOne(dualcastShape(scratch(), source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes), callback, null, 0, false, true);
    }

    @Override
    public void dualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes, CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        submitOne(dualcastShape(scratch(), source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes), null, handler, context, false, true);
    }

    @Override
    public CompletableFuture<TransferResult> tryDualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes) {
        return submitForFuture(dualcastShape(scratch(), source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes), false);
    }

    @Override
    public void tryDualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes, TransferCallback callback) {
        Objects.requireNonNull(callback, "callback");
        submitOne(dualcastShape(scratch(), source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes), callback, null, 0, false, false);
    }

    @Override
    public void tryDualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes, CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        submitOne(dualcastShape(scratch(), source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes), null, handler, context, false, false);
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
        LocationRegistry.checkLength(lengthBytes);
        locations.checkRange("source", source, sourceOffset, lengthBytes);
        locations.checkRange("destination", destination, destinationOffset, lengthBytes);
        LocationRegistry.checkNoOverlap(source, sourceOffset, destination, destinationOffset, lengthBytes);
        return reusable == null
            ? new TransferShape(DmaOpKind.COPY, source, sourceOffset, destination, destinationOffset, lengthBytes, 0,
                requestedEngine)
            : reusable.set(DmaOpKind.COPY, source, sourceOffset, destination, destinationOffset, lengthBytes, 0, requestedEngine);
    }

    private TransferShape fillShape(TransferShape reusable, DmaLocation destination, long destinationOffset, long lengthBytes,
                                    long pattern) {
        LocationRegistry.checkLength(lengthBytes);
        locations.checkRange("destination", destination, destinationOffset, lengthBytes);
        return reusable == null
            ? new TransferShape(DmaOpKind.FILL, null, 0, destination, destinationOffset, lengthBytes, pattern, requestedEngine)
            : reusable.set(DmaOpKind.FILL, null, 0, destination, destinationOffset, lengthBytes, pattern, requestedEngine);
    }

    /** An immutable shape of a checked compare (batches). */
    TransferShape compareShape(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes) {
        return compareShape(null, a, aOffset, b, bOffset, lengthBytes);
    }

    TransferShape comparePatternShape(DmaLocation location, long offset, long lengthBytes, long pattern) {
        return comparePatternShape(null, location, offset, lengthBytes, pattern);
    }

    TransferShape crc32cShape(DmaLocation location, long offset, long lengthBytes, long seed) {
        return crc32cShape(null, location, offset, lengthBytes, seed);
    }

    TransferShape dualcastShape(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
                                DmaLocation destination2, long destination2Offset, long lengthBytes) {
        return dualcastShape(null, source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset,
            lengthBytes);
    }

    /** Checks a compare: both ranges in bounds (they may overlap: nothing is written). */
    private TransferShape compareShape(TransferShape reusable, DmaLocation a, long aOffset, DmaLocation b, long bOffset,
                                       long lengthBytes) {
        LocationRegistry.checkLength(lengthBytes);
        locations.checkRange("first", a, aOffset, lengthBytes);
        locations.checkRange("second", b, bOffset, lengthBytes);
        return shape(reusable, DmaOpKind.COMPARE, a, aOffset, b, bOffset, null, 0, lengthBytes, 0);
    }

    private TransferShape comparePatternShape(TransferShape reusable, DmaLocation location, long offset, long lengthBytes,
                                              long pattern) {
        LocationRegistry.checkLength(lengthBytes);
        locations.checkRange("compared", location, offset, lengthBytes);
        return shape(reusable, DmaOpKind.COMPARE_PATTERN, null, 0, location, offset, null, 0, lengthBytes, pattern);
    }

    private TransferShape crc32cShape(TransferShape reusable, DmaLocation location, long offset, long lengthBytes, long seed) {
        LocationRegistry.checkLength(lengthBytes);
        if (seed < 0 || seed > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("CRC-32C seed " + seed + " must be in 0.." + 0xFFFF_FFFFL
                + " (a CRC-32C value, as java.util.zip.CRC32C.getValue() returns it)");
        }
        locations.checkRange("CRC-32C", location, offset, lengthBytes);
        return shape(reusable, DmaOpKind.CRC32C, null, 0, location, offset, null, 0, lengthBytes, seed);
    }

    /** Checks a dualcast: all three ranges in bounds and no two of them overlapping. */
    private TransferShape dualcastShape(TransferShape reusable, DmaLocation source, long sourceOffset, DmaLocation destination1,
                                        long destination1Offset, DmaLocation destination2, long destination2Offset,
                                        long lengthBytes) {
        LocationRegistry.checkLength(lengthBytes);
        locations.checkRange("source", source, sourceOffset, lengthBytes);
        locations.checkRange("first destination", destination1, destination1Offset, lengthBytes);
        locations.checkRange("second destination", destination2, destination2Offset, lengthBytes);
        checkNoOverlap("source", source, sourceOffset, "first destination", destination1, destination1Offset, lengthBytes);
        checkNoOverlap("source", source, sourceOffset, "second destination", destination2, destination2Offset, lengthBytes);
        checkNoOverlap("first destination", destination1, destination1Offset, "second destination", destination2,
            destination2Offset, lengthBytes);
        return shape(reusable, DmaOpKind.DUALCAST, source, sourceOffset, destination1, destination1Offset, destination2,
            destination2Offset, lengthBytes, 0);
    }

    private static void checkNoOverlap(String role1, DmaLocation l1, long offset1, String role2, DmaLocation l2, long offset2,
                                       long lengthBytes) {
        if (l1 == l2 && offset1 < offset2 + lengthBytes && offset2 < offset1 + lengthBytes) {
            throw new IllegalArgumentException(role1 + " range [" + offset1 + ", " + (offset1 + lengthBytes) + ") and " + role2
                + " range [" + offset2 + ", " + (offset2 + lengthBytes) + ") overlap in " + l1.describe()
                + "; DMA engines do not define overlapping ranges of a dualcast");
        }
    }

    private TransferShape shape(TransferShape reusable, DmaOpKind op, DmaLocation source, long sourceOffset,
                                DmaLocation destination, long destinationOffset, DmaLocation destination2,
                                long destination2Offset, long lengthBytes, long pattern) {
        return reusable == null
            ? new TransferShape(op, source, sourceOffset, destination, destinationOffset, destination2, destination2Offset,
                lengthBytes, pattern, requestedEngine)
            : reusable.set(op, source, sourceOffset, destination, destinationOffset, destination2, destination2Offset, lengthBytes,
                pattern, requestedEngine);
    }

    BatchResult submitBatch(List<TransferShape> shapes, List<Boolean> fences, boolean waitForRoom) {
        return submitter.submitBatch(shapes, fences, waitForRoom);
    }
}
