package io.dmactl.core.spi;

/** Who moves the bytes; the dispatcher's cost model prefers software engines for tiny transfers. */
public enum ExecutionKind {
    /** Host CPU threads (the cpu engine). */
    SOFTWARE,
    /** A device (or a model of one) that is driven through descriptors and doorbells. */
    HARDWARE
}
