package io.dmactl.core;

/**
 * A transfer that did not succeed, thrown by {@link TransferResult#orThrow()} for clients that
 * would rather not check the status of every result: the result itself (status, device code,
 * reason) is kept.
 */
public final class TransferFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Not serialised: a result names live engines. */
    private final transient TransferResult result;

    /**
     * A failed transfer, with a message naming its status, device code, engine and reason.
     *
     * @param result the result that did not succeed
     */
    public TransferFailedException(TransferResult result) {
        super("transfer of " + result.lengthBytes() + " bytes on " + result.engine() + " ended " + result.status()
            + (result.deviceCode() != 0 ? " (device code " + result.deviceCode() + ")" : "")
            + result.reason().map(r -> ": " + r).orElse(""));
        this.result = result;
    }

    /**
     * The result that was not a success.
     *
     * @return the result of the transfer that failed
     */
    public TransferResult result() {
        return result;
    }
}
