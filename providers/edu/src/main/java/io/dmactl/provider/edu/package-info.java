/**
 * Provider {@code edu} ({@link io.dmactl.provider.edu.EduProvider}): the DMA engine of QEMU's
 * {@code edu} device over VFIO, between bus memory and the device's 4 KiB buffer (a private
 * space), with MSI, INTx or polled completion.
 */
package io.dmactl.provider.edu;
