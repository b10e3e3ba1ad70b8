package io.dmactl.core.spi;

/** What an engine's address space 0 (the bus space) means; the core resolves locations into it. */
public enum AddressingMode {
    /** CPU virtual addresses of this process (software engines). */
    CPU_VIRTUAL,
    /** IOVAs in the engine's IOMMU domain (a VFIO container). */
    IOVA,
    /** Physical addresses (UIO, no IOMMU); not supported yet, refused at open. */
    PHYSICAL
}
