package io.dmactl.core;

/** The DMA memory pool cannot satisfy an allocation within its limit. */
public final class PoolExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PoolExhaustedException(String message) {
        super(message);
    }
}
