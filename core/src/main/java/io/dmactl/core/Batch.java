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

    /**
     * Adds a copy of {@code lengthBytes} from {@code source + sourceOffset} to {@code destination + destinationOffset},
     * checked at once (see {@link DmaTransfers#copy(DmaLocation, long, DmaLocation, long, long)}).
     *
     * @param source where the bytes are read
     * @param sourceOffset the byte offset in {@code source} where reading starts
     * @param destination where the bytes are written
     * @param destinationOffset the byte offset in {@code destination} where writing starts
     * @param lengthBytes how many bytes, at least 1
     * @return this batch
     */
    public Batch copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset, long lengthBytes) {
        return add(transfers.copyShape(source, sourceOffset, destination, destinationOffset, lengthBytes));
    }

    /**
     * Adds a fill of {@code lengthBytes} at {@code destination + destinationOffset} with {@code pattern} repeated,
     * checked at once (see {@link DmaTransfers#fill(DmaLocation, long, long, long)}).
     *
     * @param destination where the bytes are written
     * @param destinationOffset the byte offset in {@code destination} where writing starts
     * @param lengthBytes how many bytes, at least 1
     * @param pattern the 8-byte pattern, little-endian, repeated over the range
     * @return this batch
     */
    public Batch fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern) {
        return add(transfers.fillShape(destination, destinationOffset, lengthBytes, pattern));
    }

    /**
     * Adds a compare (see {@link DmaTransfers}); its result value is in its future's result.
     *
     * @param a the first location compared
     * @param aOffset the byte offset in {@code a} where the compared range starts
     * @param b the second location compared
     * @param bOffset the byte offset in {@code b} where the compared range starts
     * @param lengthBytes how many bytes, at least 1
     * @return this batch
     */
    public Batch compare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes) {
        return add(transfers.compareShape(a, aOffset, b, bOffset, lengthBytes));
    }

    /**
     * Adds a comparePattern (see {@link DmaTransfers}); its result value is in its future's result.
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts
     * @param lengthBytes how many bytes, at least 1
     * @param pattern the 8-byte pattern, little-endian, repeated over the range
     * @return this batch
     */
    public Batch comparePattern(DmaLocation location, long offset, long lengthBytes, long pattern) {
        return add(transfers.comparePatternShape(location, offset, lengthBytes, pattern));
    }

    /**
     * Adds a crc32c (see {@link DmaTransfers}); its result value is in its future's result.
     *
     * @param location the location read
     * @param offset the byte offset in {@code location} where the range starts
     * @param lengthBytes how many bytes, at least 1
     * @param seed the CRC-32C of the data before the range, 0 to start afresh
     * @return this batch
     */
    public Batch crc32c(DmaLocation location, long offset, long lengthBytes, long seed) {
        return add(transfers.crc32cShape(location, offset, lengthBytes, seed));
    }

    /**
     * Adds a dualcast (see {@link DmaTransfers}); its result value is in its future's result.
     *
     * @param source where the bytes are read
     * @param sourceOffset the byte offset in {@code source} where reading starts
     * @param destination1 the first location written
     * @param destination1Offset the byte offset in {@code destination1} where writing starts
     * @param destination2 the second location written
     * @param destination2Offset the byte offset in {@code destination2} where writing starts
     * @param lengthBytes how many bytes, at least 1
     * @return this batch
     */
    public Batch dualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes) {
        return add(transfers.dualcastShape(source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes));
    }

    /**
     * The next op starts only after every op added before it has completed.
     *
     * @return this batch
     */
    public Batch fence() {
        checkNotSubmitted();
        fenceNext = true;
        return this;
    }

    /**
     * The number of ops added so far; fences are not counted.
     *
     * @return the number of ops added
     */
    public int size() {
        return shapes.size();
    }

    /**
     * Hands the batch to one engine channel, waiting for room for all its ops (see
     * {@link DmaTransfers} on backpressure; a batch of more ops than the channel's bound waits for
     * the channel to be empty).
     *
     * @return one future per op and one for them all
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
     * @return one future per op and one for them all
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
