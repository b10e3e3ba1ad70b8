package io.dmactl.core;

/**
 * How one transfer ended.
 *
 * @param status       the outcome; never an exception for device outcomes
 * @param deviceCode   the device's own error code when {@code status} is DEVICE_ERROR, else 0
 * @param lengthBytes  the transfer's length as requested
 * @param engine       the engine that served it
 * @param latencyNanos from submission by the client to completion
 */
public record TransferResult(TransferStatus status, int deviceCode, long lengthBytes, String engine, long latencyNanos) {

    public boolean isSuccess() {
        return status == TransferStatus.SUCCESS;
    }
}
