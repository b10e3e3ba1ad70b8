package io.dmactl.core;

/** The DMA memory pool cannot satisfy an allocation within its limit. */
public final class PoolExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * The pool reached its limit; the message says how much it holds and what was asked.
     *
     * @param message the message
     */
    public PoolExhaustedException(String message) {
        super(message);
    }
}
