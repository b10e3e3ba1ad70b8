package io.dmactl.core;

import java.util.Objects;
import java.util.Optional;

/**
 * How one transfer ended.
 *
 * @param status       the outcome; never an exception for device outcomes
 * @param deviceCode   the device's own error code when {@code status} is DEVICE_ERROR, else 0
 * @param lengthBytes  the transfer's length as requested
 * @param engine       the engine that served it
 * @param latencyNanos from submission by the client to completion
 * @param reason       why the runtime ended an ABORTED transfer when it knows more than the status
 *                     (the engine was retired for a fatal device condition, or closed), else empty
 */
public record TransferResult(TransferStatus status, int deviceCode, long lengthBytes, String engine, long latencyNanos,
                             Optional<String> reason) {

    public TransferResult {
        Objects.requireNonNull(reason, "reason");
    }

    /** A result with no reason beyond its status. */
    public TransferResult(TransferStatus status, int deviceCode, long lengthBytes, String engine, long latencyNanos) {
        this(status, deviceCode, lengthBytes, engine, latencyNanos, Optional.empty());
    }

    public boolean isSuccess() {
        return status == TransferStatus.SUCCESS;
    }
}
