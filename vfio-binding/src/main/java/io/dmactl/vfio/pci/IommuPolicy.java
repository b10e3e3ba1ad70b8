package io.dmactl.vfio.pci;

/**
 * Whether a bind may give a device DMA without IOMMU protection. Without an IOMMU a device
 * reaches all of physical memory, so a buggy descriptor can corrupt the kernel; dmactl only
 * allows that when the user asked for it by name.
 */
public enum IommuPolicy {

    /** Only bind in a way that keeps the device's DMA behind the IOMMU (vfio-pci). */
    REQUIRE_IOMMU,

    /** The user explicitly accepts unprotected DMA (uio_pci_generic). */
    ALLOW_NO_IOMMU
}
