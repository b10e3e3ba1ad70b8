/**
 * The provider SPI: what a DMA provider (a driver for a DMA-capable device, or a software engine)
 * implements to plug into the core.
 *
 * <p>A {@link io.dmactl.core.spi.DmaProvider}, found with {@link java.util.ServiceLoader}, says
 * which PCI functions it drives ({@link io.dmactl.core.spi.DeviceRequirement}) and opens one
 * {@link io.dmactl.core.spi.DmaEngine} per function from an
 * {@link io.dmactl.core.spi.EngineContext} (the device, the IOMMU domain, DMA memory, options).
 * The engine describes itself once in {@link io.dmactl.core.spi.EngineCapabilities} and offers
 * {@link io.dmactl.core.spi.DmaChannel channels}: the fast path, one owner thread at a time,
 * descriptors enqueued with addresses the core has already resolved, completions polled into a
 * reused {@link io.dmactl.core.spi.CompletionBatch} with {@link io.dmactl.core.spi.OpStatus}
 * codes, nothing allocated.
 */
package io.dmactl.core.spi;
