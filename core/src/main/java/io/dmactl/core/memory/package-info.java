/**
 * Internal (not exported): DMA memory and IOMMU address spaces. The
 * {@link io.dmactl.core.memory.DmaMemoryPool} carves buffers from locked host pages; an
 * {@link io.dmactl.core.memory.IommuDomain} (a VFIO container, or physical addresses without an
 * IOMMU) maps them, at IOVAs from an {@link io.dmactl.core.memory.IovaAllocator} under each
 * engine's DMA mask, reference-counted by {@link io.dmactl.core.memory.IovaMappings}.
 */
package io.dmactl.core.memory;
