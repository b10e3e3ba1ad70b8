/**
 * The software DMA engine, provider {@code cpu} ({@link io.dmactl.provider.cpu.CpuProvider}): a
 * descriptor ring in host memory served by executor threads, with the same ticket, status and
 * completion semantics as hardware. It reaches host memory and device windows by CPU address. The
 * ring ({@link io.dmactl.provider.cpu.DescriptorRingChannel}, {@link io.dmactl.provider.cpu.CpuDescriptor})
 * is public for the benchmarks' no-op engine.
 */
package io.dmactl.provider.cpu;
