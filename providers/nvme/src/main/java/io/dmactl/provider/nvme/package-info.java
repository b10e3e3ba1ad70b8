/**
 * Provider {@code nvme} ({@link io.dmactl.provider.nvme.NvmeProvider}): a userspace NVMe driver
 * over VFIO. Admin and I/O queue pairs, PRP lists, the Copy command, submission queues in host
 * memory or the controller memory buffer, polling or MSI-X; a namespace is a private space.
 */
package io.dmactl.provider.nvme;
