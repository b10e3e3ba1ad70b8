package io.dmactl.core;

import java.util.Optional;

/**
 * How one transfer ended, as a {@link CompletionHandler} sees it: the same facts as a
 * {@link TransferResult}, read from a view the runtime reuses, so valid only during the
 * handler's call. {@link #toResult()} makes an immutable copy to keep.
 */
public interface Completion {
    /**
     * The outcome; device outcomes are statuses, never exceptions.
     *
     * @return the outcome
     */
    TransferStatus status();

    /**
     * The device's own error code when {@link #status()} is DEVICE_ERROR, else 0.
     *
     * @return the device's error code, or 0
     */
    int deviceCode();

    /**
     * The transfer's length as requested.
     *
     * @return the requested length in bytes
     */
    long lengthBytes();

    /**
     * The engine that served it.
     *
     * @return the engine's name
     */
    String engine();

    /**
     * From submission by the client to completion, in nanoseconds.
     *
     * @return the latency in nanoseconds
     */
    long latencyNanos();

    /**
     * Why the runtime ended an ABORTED transfer when it knows more than the status, else empty.
     *
     * @return the runtime's reason, or empty
     */
    Optional<String> reason();

    /**
     * What the op computed when it succeeded (the CRC, the compare outcome), else 0: see
     * {@link TransferResult#resultValue()}. A primitive, so reading it allocates nothing.
     *
     * @return the op's result value, or 0
     */
    long resultValue();

    /**
     * True if {@link #status()} is SUCCESS.
     *
     * @return true on SUCCESS
     */
    default boolean isSuccess() {
        return status() == TransferStatus.SUCCESS;
    }

    /**
     * An immutable copy, valid after the handler returns (allocates).
     *
     * @return a new {@link TransferResult} with the same fields
     */
    default TransferResult toResult() {
        return new TransferResult(status(), deviceCode(), lengthBytes(), engine(), latencyNanos(), reason(), resultValue());
    }
}
