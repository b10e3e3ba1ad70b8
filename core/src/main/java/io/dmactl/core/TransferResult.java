package io.dmactl.core;

import io.dmactl.core.spi.DmaOpKind;

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
 * @param resultValue  what the op computed, when it succeeded: for a CRC-32C the CRC (unsigned,
 *                     0..2^32-1, see {@link #crc32c()}); for a compare or compare-pattern
 *                     {@link DmaOpKind#COMPARE_EQUAL} (-1) when equal, else the offset from the
 *                     range's start of the first differing byte (see {@link #equal()},
 *                     {@link #firstDifferenceOffset()}); 0 for copy, fill, dualcast and any op that
 *                     did not succeed
 */
public record TransferResult(TransferStatus status, int deviceCode, long lengthBytes, String engine, long latencyNanos,
                             Optional<String> reason, long resultValue) {

    /** Checks that {@code reason} is not null (use {@link Optional#empty()}). */
    public TransferResult {
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * A result without a result value (copy, fill, dualcast, or an op that did not succeed).
     *
     * @param status the outcome
     * @param deviceCode the device's own error code when {@code status} is DEVICE_ERROR, else 0
     * @param lengthBytes the transfer's length as requested
     * @param engine the engine that served it
     * @param latencyNanos from submission by the client to completion, in nanoseconds
     * @param reason why the runtime ended an ABORTED transfer when it knows more than the status, else empty
     */
    public TransferResult(TransferStatus status, int deviceCode, long lengthBytes, String engine, long latencyNanos,
                          Optional<String> reason) {
        this(status, deviceCode, lengthBytes, engine, latencyNanos, reason, 0);
    }

    /**
     * A result with no reason beyond its status and no result value.
     *
     * @param status the outcome
     * @param deviceCode the device's own error code when {@code status} is DEVICE_ERROR, else 0
     * @param lengthBytes the transfer's length as requested
     * @param engine the engine that served it
     * @param latencyNanos from submission by the client to completion, in nanoseconds
     */
    public TransferResult(TransferStatus status, int deviceCode, long lengthBytes, String engine, long latencyNanos) {
        this(status, deviceCode, lengthBytes, engine, latencyNanos, Optional.empty(), 0);
    }

    /**
     * A compare's outcome: true when it succeeded and the ranges were equal.
     *
     * @return true if the ranges were equal
     * @throws IllegalStateException if the compare did not succeed (then nothing is known about the ranges)
     */
    public boolean equal() {
        checkSucceeded("compare");
        return resultValue == DmaOpKind.COMPARE_EQUAL;
    }

    /**
     * A compare's first differing byte, as an offset from the start of the compared range(s), or
     * {@link DmaOpKind#COMPARE_EQUAL} (-1) when they were equal.
     *
     * @return the offset of the first differing byte, or -1 when equal
     * @throws IllegalStateException if the compare did not succeed
     */
    public long firstDifferenceOffset() {
        checkSucceeded("compare");
        return resultValue;
    }

    /**
     * A CRC-32C op's CRC, as {@link java.util.zip.CRC32C#getValue()} gives it (unsigned, in a long).
     *
     * @return the CRC-32C, in 0..2^32-1
     * @throws IllegalStateException if the op did not succeed
     */
    public long crc32c() {
        checkSucceeded("CRC-32C");
        return resultValue;
    }

    private void checkSucceeded(String what) {
        if (status != TransferStatus.SUCCESS) {
            throw new IllegalStateException("the " + what + " ended " + status + (deviceCode != 0 ? " (device code " + deviceCode + ")" : "")
                + reason.map(r -> ": " + r).orElse("") + "; it has no result value");
        }
    }

    /**
     * True if the transfer completed with {@link TransferStatus#SUCCESS}.
     *
     * @return true on SUCCESS
     */
    public boolean isSuccess() {
        return status == TransferStatus.SUCCESS;
    }

    /**
     * This result if the transfer succeeded; else throws, so that a device error cannot be ignored
     * by accident: {@code dma.copy(a, b).join().orThrow()}.
     *
     * @return this result, when it succeeded
     * @throws TransferFailedException naming the status, the device code and the reason, and carrying this result
     */
    public TransferResult orThrow() {
        if (status != TransferStatus.SUCCESS) {
            throw new TransferFailedException(this);
        }
        return this;
    }
}
