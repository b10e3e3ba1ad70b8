package io.dmactl.core;

/** No free IOVA range satisfies a request (length, alignment, DMA mask). */
public final class IovaExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IovaExhaustedException(String message) {
        super(message);
    }
}
