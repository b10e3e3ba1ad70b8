package io.dmactl.core;

/**
 * Called once when a transfer ends, on the channel's worker thread unless the runtime was built
 * with a completion executor. Keep it short: the channel makes no progress while it runs, and it
 * must not block on other transfers or close the runtime.
 */
@FunctionalInterface
public interface TransferCallback {
    void onComplete(TransferResult result);
}
