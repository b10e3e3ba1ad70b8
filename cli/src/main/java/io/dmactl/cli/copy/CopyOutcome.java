package io.dmactl.cli.copy;

import io.dmactl.core.TransferResult;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * How a {@code copy} ended.
 *
 * @param result        the transfer's result from the runtime (status, engine, latency)
 * @param verified      whether {@code --verify} compared the two ends
 * @param firstMismatch when verified: the offset (from the start of the transfer) of the first
 *                      byte that differs; empty when every byte matched or nothing was compared
 */
public record CopyOutcome(TransferResult result, boolean verified, OptionalLong firstMismatch) {

    public CopyOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(firstMismatch, "firstMismatch");
    }

    /** The transfer succeeded and, if verified, every byte matched. */
    public boolean ok() {
        return result.isSuccess() && firstMismatch.isEmpty();
    }
}
