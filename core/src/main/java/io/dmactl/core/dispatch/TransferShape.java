package io.dmactl.core.dispatch;

import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaOpKind;

import java.util.Objects;

/**
 * What the dispatcher needs to know about one transfer. The source is null for ops over one range
 * (fill, compare-pattern, CRC-32C: their range is the destination, which a compare or CRC only
 * reads); destination2 is set only for a dualcast. The {@code pattern} is the fill or compare
 * pattern, and for a CRC-32C the seed (an unsigned 32-bit value).
 *
 * <p>Immutable when made with the constructor. The runtime's submit path instead fills a
 * {@link #reusable()} shape of its thread for each single transfer ({@link #set}), so that
 * dispatching allocates nothing; such a shape is read only until the submission returns.
 */
public final class TransferShape {
    private final boolean reusable;
    private boolean inUse;
    private DmaOpKind op;
    private DmaLocation source;
    private long sourceOffset;
    private DmaLocation destination;
    private long destinationOffset;
    private DmaLocation destination2;
    private long destination2Offset;
    private long lengthBytes;
    private long pattern;
    private String requestedEngine;

    /**
     * A shape of a transfer.
     *
     * @param op the op
     * @param source the location read, or null for an op over one range (fill, compare-pattern, CRC-32C)
     * @param sourceOffset the byte offset in {@code source}
     * @param destination the location written, or the range a compare-pattern or CRC-32C reads
     * @param destinationOffset the byte offset in {@code destination}
     * @param lengthBytes the length in bytes
     * @param pattern         the fill pattern (0 for a copy)
     * @param requestedEngine an engine or provider name the client insisted on, or null
     */
    public TransferShape(DmaOpKind op, DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                         long lengthBytes, long pattern, String requestedEngine) {
        this(op, source, sourceOffset, destination, destinationOffset, null, 0, lengthBytes, pattern, requestedEngine);
    }

    /**
     * A shape with a second destination (a dualcast).
     *
     * @param op the op
     * @param source the location read, or null for an op over one range (fill, compare-pattern, CRC-32C)
     * @param sourceOffset the byte offset in {@code source}
     * @param destination the location written, or the range a compare-pattern or CRC-32C reads
     * @param destinationOffset the byte offset in {@code destination}
     * @param destination2 the second destination of a dualcast, or null
     * @param destination2Offset the byte offset in {@code destination2}
     * @param lengthBytes the length in bytes
     * @param pattern the fill or compare pattern, or the CRC-32C seed; 0 for ops without one
     * @param requestedEngine an engine or provider name the client insisted on, or null
     */
    public TransferShape(DmaOpKind op, DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                         DmaLocation destination2, long destination2Offset, long lengthBytes, long pattern,
                         String requestedEngine) {
        this.reusable = false;
        fill(op, source, sourceOffset, destination, destinationOffset, destination2, destination2Offset, lengthBytes, pattern,
            requestedEngine);
    }

    private TransferShape() {
        this.reusable = true;
    }

    /**
     * A shape for one thread's submissions, to {@link #set} for each (see the class comment).
     *
     * @return a reusable shape
     */
    public static TransferShape reusable() {
        return new TransferShape();
    }

    /**
     * Fills a {@link #reusable()} shape and marks it in use until {@link #release()}.
     *
     * @param op the op
     * @param source the location read, or null for an op over one range (fill, compare-pattern, CRC-32C)
     * @param sourceOffset the byte offset in {@code source}
     * @param destination the location written, or the range a compare-pattern or CRC-32C reads
     * @param destinationOffset the byte offset in {@code destination}
     * @param lengthBytes the length in bytes
     * @param pattern the fill or compare pattern, or the CRC-32C seed; 0 for ops without one
     * @param requestedEngine an engine or provider name the client insisted on, or null
     * @return this shape
     * @throws IllegalStateException if this shape is immutable or in use
     */
    public TransferShape set(DmaOpKind op, DmaLocation source, long sourceOffset, DmaLocation destination,
                             long destinationOffset, long lengthBytes, long pattern, String requestedEngine) {
        return set(op, source, sourceOffset, destination, destinationOffset, null, 0, lengthBytes, pattern, requestedEngine);
    }

    /**
     * {@link #set} with a second destination (a dualcast).
     *
     * @param op the op
     * @param source the location read, or null for an op over one range (fill, compare-pattern, CRC-32C)
     * @param sourceOffset the byte offset in {@code source}
     * @param destination the location written, or the range a compare-pattern or CRC-32C reads
     * @param destinationOffset the byte offset in {@code destination}
     * @param destination2 the second destination of a dualcast, or null
     * @param destination2Offset the byte offset in {@code destination2}
     * @param lengthBytes the length in bytes
     * @param pattern the fill or compare pattern, or the CRC-32C seed; 0 for ops without one
     * @param requestedEngine an engine or provider name the client insisted on, or null
     * @return this shape
     */
    public TransferShape set(DmaOpKind op, DmaLocation source, long sourceOffset, DmaLocation destination,
                             long destinationOffset, DmaLocation destination2, long destination2Offset, long lengthBytes,
                             long pattern, String requestedEngine) {
        if (!reusable || inUse) {
            throw new IllegalStateException(reusable ? "this reusable shape is in use" : "this shape is immutable");
        }
        fill(op, source, sourceOffset, destination, destinationOffset, destination2, destination2Offset, lengthBytes, pattern,
            requestedEngine);
        inUse = true;
        return this;
    }

    /**
     * True while a {@link #reusable()} shape is filled and not released (a nested submission takes a fresh one).
     *
     * @return true while in use
     */
    public boolean inUse() {
        return inUse;
    }

    /** Ends the use of a {@link #reusable()} shape; drops its references. */
    public void release() {
        if (reusable) {
            inUse = false;
            source = null;
            destination = null;
            destination2 = null;
            requestedEngine = null;
        }
    }

    private void fill(DmaOpKind op, DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                      DmaLocation destination2, long destination2Offset, long lengthBytes, long pattern, String requestedEngine) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(destination, "destination");
        if (op.hasSource() != (source != null)) {
            throw new IllegalArgumentException(op + (op.hasSource() ? " needs a source" : " takes no source"));
        }
        if ((op == DmaOpKind.DUALCAST) != (destination2 != null)) {
            throw new IllegalArgumentException(op + (op == DmaOpKind.DUALCAST ? " needs a second destination" : " takes no second destination"));
        }
        this.op = op;
        this.source = source;
        this.sourceOffset = sourceOffset;
        this.destination = destination;
        this.destinationOffset = destinationOffset;
        this.destination2 = destination2;
        this.destination2Offset = destination2Offset;
        this.lengthBytes = lengthBytes;
        this.pattern = pattern;
        this.requestedEngine = requestedEngine;
    }

    /**
     * The op.
     *
     * @return the op
     */
    public DmaOpKind op() {
        return op;
    }

    /**
     * The location read, or null for an op over one range.
     *
     * @return the source, or null
     */
    public DmaLocation source() {
        return source;
    }

    /**
     * The byte offset in the source.
     *
     * @return the offset in bytes
     */
    public long sourceOffset() {
        return sourceOffset;
    }

    /**
     * The location written, or the one range read.
     *
     * @return the destination, or null
     */
    public DmaLocation destination() {
        return destination;
    }

    /**
     * The byte offset in the destination.
     *
     * @return the offset in bytes
     */
    public long destinationOffset() {
        return destinationOffset;
    }

    /**
     * The second destination of a dualcast, else null.
     *
     * @return the second destination, or null
     */
    public DmaLocation destination2() {
        return destination2;
    }

    /**
     * The byte offset in the second destination.
     *
     * @return the offset in bytes
     */
    public long destination2Offset() {
        return destination2Offset;
    }

    /**
     * The length in bytes.
     *
     * @return the length in bytes
     */
    public long lengthBytes() {
        return lengthBytes;
    }

    /**
     * The fill or compare pattern, or the CRC-32C seed (0 for ops without one).
     *
     * @return the pattern or seed
     */
    public long pattern() {
        return pattern;
    }

    /**
     * An engine or provider name the client insisted on, or null.
     *
     * @return the name, or null
     */
    public String requestedEngine() {
        return requestedEngine;
    }

    /**
     * The direction from the source (memory, for a fill) to the destination.
     *
     * @return the direction
     */
    public Direction direction() {
        return Direction.of(source == null ? LocationKind.HOST_MEMORY : source.kind(), destination.kind());
    }

    /**
     * The direction from the source to the second destination of a dualcast, else null.
     *
     * @return the direction, or null
     */
    public Direction direction2() {
        return destination2 == null ? null : Direction.of(source.kind(), destination2.kind());
    }

    /**
     * "copy 4096 bytes from buffer#1 (...) +0 to edu buffer (...) +0", for messages.
     *
     * @return the description
     */
    public String describe() {
        String verb = op.name().toLowerCase(java.util.Locale.ROOT);
        String to = destination.describe() + " +" + destinationOffset
            + (destination2 == null ? "" : " and " + destination2.describe() + " +" + destination2Offset);
        return switch (op) {
            case FILL, COMPARE_PATTERN, CRC32C -> verb + " " + lengthBytes + " bytes of " + to;
            case COPY, DUALCAST -> verb + " " + lengthBytes + " bytes from " + source.describe() + " +" + sourceOffset + " to " + to;
            case COMPARE -> verb + " " + lengthBytes + " bytes of " + source.describe() + " +" + sourceOffset + " with " + to;
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}
