package io.dmactl.core.spi;

/** Operations an engine can perform. */
public enum DmaOpKind {
    /** Move bytes from a source address to a destination address. */
    COPY,
    /** Write an 8-byte pattern repeatedly over a destination range. */
    FILL
}
