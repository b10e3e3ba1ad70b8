package io.dmactl.core;

/** No free IOVA range satisfies a request (length, alignment, DMA mask). */
public final class IovaExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * No IOVA range is free; the message says for what and how much is left.
     *
     * @param message the message
     */
    public IovaExhaustedException(String message) {
        super(message);
    }
}
