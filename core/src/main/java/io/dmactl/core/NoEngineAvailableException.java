package io.dmactl.core;

/** No open engine can serve a transfer; the message lists every engine and why it was rejected. */
public final class NoEngineAvailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * No open engine can serve the transfer; the message names each engine and why.
     *
     * @param message the message
     */
    public NoEngineAvailableException(String message) {
        super(message);
    }
}
