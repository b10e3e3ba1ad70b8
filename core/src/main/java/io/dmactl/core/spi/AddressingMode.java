package io.dmactl.core.spi;

/** What an engine's address space 0 (the bus space) means; the core resolves locations into it. */
public enum AddressingMode {
    /** CPU virtual addresses of this process (software engines). */
    CPU_VIRTUAL,
    /**
     * Shared virtual addressing: a hardware engine that uses this process's own virtual addresses
     * (Intel DSA/IAA through the kernel's idxd work-queue device, which binds the process's address
     * space to the device by its PASID). The core resolves host locations to CPU virtual addresses
     * for it and maps nothing into an IOMMU domain; pool buffers are locked in memory (their page
     * source locks them; the default one, HostPagesSource, does) and pinned while an op is in flight,
     * so they stay resident; client memory added with {@code register} is not locked by the runtime
     * and is never routed to such an engine. Device windows and other engines' private memory reach
     * it only if it declares them in {@code reaches} (a window through its CPU mapping). The cost
     * model treats it as the hardware it is.
     */
    SHARED_VIRTUAL,
    /** IOVAs in the engine's IOMMU domain (a VFIO container). */
    IOVA,
    /**
     * Physical addresses (UIO, no IOMMU): accepted only for an engine whose device is in the
     * runtime's physical domain (a {@code UioDeviceSource} with the user's opt-in). The core
     * resolves locations to physical addresses (pagemap; a BAR's sysfs window) and refuses a range
     * that is not one physical run or lies above the engine's DMA limit. An IOVA engine over UIO is
     * resolved the same way, so one driver serves both.
     */
    PHYSICAL
}
