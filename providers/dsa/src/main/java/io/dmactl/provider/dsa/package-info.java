/**
 * Intel Data Streaming Accelerator providers: {@code dsa} ({@link io.dmactl.provider.dsa.DsaProvider})
 * submits to work queues the kernel's idxd driver exposes as {@code /dev/dsa/wqD.Q}, with shared
 * virtual addressing; {@code dsa-vfio} ({@link io.dmactl.provider.dsa.DsaVfioProvider}) drives a
 * DSA function bound to vfio-pci itself (device and queue configuration, MOVDIR64B portal stores,
 * MSI-X). Both offer copy, fill, compare, compare-pattern, CRC-32C and dualcast.
 * {@link io.dmactl.provider.dsa.DsaMmio} and {@link io.dmactl.provider.dsa.WorkQueuePort} are
 * interfaces so that tests can put a device model behind them.
 */
package io.dmactl.provider.dsa;
