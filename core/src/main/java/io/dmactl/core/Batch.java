package io.dmactl.core;

import io.dmactl.core.dispatch.TransferShape;
import io.dmactl.core.location.DmaLocation;

import java.util.ArrayList;
import java.util.List;

/**
 * Ops submitted together: all go to one engine channel, are written into its ring in order and
 * made visible with one doorbell (one per ring-full when the batch is longer than the ring). {@link #fence()} makes the next op start only after every
 * earlier op of the batch has completed. Each add is checked at once (misuse throws there); the
 * engine is chosen at {@link #submit()}. Not thread-safe: build it on one thread.
 */
public final class Batch {
    private final RuntimeTransfers transfers;
    private final List<TransferShape> shapes = new ArrayList<>();
    private final List<Boolean> fences = new ArrayList<>();
    private boolean fenceNext;
    private boolean submitted;

    Batch(RuntimeTransfers transfers) {
        this.transfers = transfers;
    }

    public Batch copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset, long lengthBytes) {
        return add(transfers.copyShape(source, sourceOffset, destination, destinationOffset, lengthBytes));
    }

    public Batch fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern) {
        return add(transfers.fillShape(destination, destinationOffset, lengthBytes, pattern));
    }

    /** Adds a compare (see {@link DmaTransfers}); its result value is in its future's result. */
    public Batch compare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes) {
        return add(transfers.compareShape(a, aOffset, b, bOffset, lengthBytes));
    }

    /** Adds a comparePattern (see {@link DmaTransfers}); its result value is in its future's result. */
    public Batch comparePattern(DmaLocation location, long offset, long lengthBytes, long pattern) {
        return add(transfers.comparePatternShape(location, offset, lengthBytes, pattern));
    }

    /** Adds a crc32c (see {@link DmaTransfers}); its result value is in its future's result. */
    public Batch crc32c(DmaLocation location, long offset, long lengthBytes, long seed) {
        return add(transfers.crc32cShape(location, offset, lengthBytes, seed));
    }

    /** Adds a dualcast (see {@link DmaTransfers}); its result value is in its future's result. */
    public Batch dualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes) {
        return add(transfers.dualcastShape(source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes));
    }

    /** The next op starts only after every op added before it has completed. */
    public Batch fence() {
        checkNotSubmitted();
        fenceNext = true;
        return this;
    }

    public int size() {
        return shapes.size();
    }

    /**
     * Hands the batch to one engine channel, waiting for room for all its ops (see
     * {@link DmaTransfers} on backpressure; a batch of more ops than the channel's bound waits for
     * the channel to be empty).
     *
     * @throws IllegalStateException if it is empty or was already submitted
     * @throws io.dmactl.core.NoEngineAvailableException if no single engine can serve every op
     * @throws BackpressureException if no room appeared within the admission timeout, or the wait was interrupted
     */
    public BatchResult submit() {
        return submit(true);
    }

    /**
     * As {@link #submit()}, but never waits for room; the batch stays unsubmitted when this throws.
     *
     * @throws BackpressureException if the chosen channel has no room for every op of the batch now
     */
    public BatchResult trySubmit() {
        return submit(false);
    }

    private BatchResult submit(boolean waitForRoom) {
        checkNotSubmitted();
        if (shapes.isEmpty()) {
            throw new IllegalStateException("cannot submit an empty batch");
        }
        BatchResult result = transfers.submitBatch(shapes, fences, waitForRoom); // throws before touching anything: retry is fine
        submitted = true;
        return result;
    }

    private Batch add(TransferShape shape) {
        checkNotSubmitted();
        shapes.add(shape);
        fences.add(fenceNext);
        fenceNext = false;
        return this;
    }

    private void checkNotSubmitted() {
        if (submitted) {
            throw new IllegalStateException("batch was already submitted");
        }
    }
}
