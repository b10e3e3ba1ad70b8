package io.dmactl.core.completion;

import io.dmactl.core.Completion;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;

import java.util.Optional;

/**
 * The reusable {@link Completion} a channel hands to {@link io.dmactl.core.CompletionHandler}s:
 * one per channel, filled by the thread that owns the channel right before each handler call, so
 * the callback path allocates nothing. Also wraps a kept {@link TransferResult} for handlers run
 * on a completion executor.
 */
final class CompletionView implements Completion {
    private TransferStatus status = TransferStatus.SUCCESS;
    private int deviceCode;
    private long lengthBytes;
    private String engine;
    private long latencyNanos;
    private Optional<String> reason = Optional.empty();
    private long resultValue;

    CompletionView set(TransferStatus status, int deviceCode, long lengthBytes, String engine, long latencyNanos,
                       Optional<String> reason, long resultValue) {
        this.resultValue = resultValue;
        this.status = status;
        this.deviceCode = deviceCode;
        this.lengthBytes = lengthBytes;
        this.latencyNanos = latencyNanos;
        // References rarely change from one completion to the next: skip the store (and its GC barrier) then.
        if (this.engine != engine) {
            this.engine = engine;
        }
        if (this.reason != reason) {
            this.reason = reason;
        }
        return this;
    }

    static CompletionView of(TransferResult r) {
        return new CompletionView().set(r.status(), r.deviceCode(), r.lengthBytes(), r.engine(), r.latencyNanos(), r.reason(),
            r.resultValue());
    }

    @Override
    public TransferStatus status() {
        return status;
    }

    @Override
    public int deviceCode() {
        return deviceCode;
    }

    @Override
    public long lengthBytes() {
        return lengthBytes;
    }

    @Override
    public String engine() {
        return engine;
    }

    @Override
    public long latencyNanos() {
        return latencyNanos;
    }

    @Override
    public Optional<String> reason() {
        return reason;
    }

    @Override
    public long resultValue() {
        return resultValue;
    }

    @Override
    public String toString() {
        return "Completion[" + status + (deviceCode != 0 ? " code " + deviceCode : "") + ", " + lengthBytes + " B on " + engine
            + (resultValue != 0 ? ", result " + resultValue : "") + reason.map(r -> ", " + r).orElse("") + "]";
    }
}
