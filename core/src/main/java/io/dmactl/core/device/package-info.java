/**
 * Internal (not exported): where the runtime finds and opens PCI devices: functions bound to
 * vfio-pci in one VFIO container ({@link io.dmactl.core.device.VfioDeviceSource}), or, with the
 * explicit opt-in, to uio_pci_generic without an IOMMU ({@link io.dmactl.core.device.UioDeviceSource}).
 */
package io.dmactl.core.device;
