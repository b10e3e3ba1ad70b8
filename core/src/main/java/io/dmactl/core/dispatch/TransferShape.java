package io.dmactl.core.dispatch;

import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaOpKind;

import java.util.Objects;

/**
 * What the dispatcher needs to know about one transfer. The source is null for a fill.
 *
 * @param pattern         the fill pattern (0 for a copy)
 * @param requestedEngine an engine or provider name the client insisted on, or null
 */
public record TransferShape(DmaOpKind op, DmaLocation source, long sourceOffset,
                            DmaLocation destination, long destinationOffset, long lengthBytes,
                            long pattern, String requestedEngine) {

    public TransferShape {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(destination, "destination");
        if (op == DmaOpKind.COPY) {
            Objects.requireNonNull(source, "source");
        }
    }

    public Direction direction() {
        return Direction.of(source == null ? LocationKind.HOST_MEMORY : source.kind(), destination.kind());
    }

    /** "copy 4096 bytes from buffer#1 (...) +0 to edu buffer (...) +0", for messages. */
    public String describe() {
        String verb = op.name().toLowerCase(java.util.Locale.ROOT);
        String to = destination.describe() + " +" + destinationOffset;
        return source == null
            ? verb + " " + lengthBytes + " bytes of " + to
            : verb + " " + lengthBytes + " bytes from " + source.describe() + " +" + sourceOffset + " to " + to;
    }
}
