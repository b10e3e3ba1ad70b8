package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;

/**
 * The VFIO ioctl requests dmactl issues, with their C names for error messages.
 * Numbers come from the generated bindings (jextract evaluates the {@code _IO(';', 100 + n)}
 * macros); GeneratedLayoutTest checks them against the C compiler.
 */
enum VfioIoctl {
    // on the container fd (/dev/vfio/vfio)
    VFIO_GET_API_VERSION(Native.VFIO_GET_API_VERSION()),
    VFIO_CHECK_EXTENSION(Native.VFIO_CHECK_EXTENSION()),
    VFIO_SET_IOMMU(Native.VFIO_SET_IOMMU()),
    VFIO_IOMMU_GET_INFO(Native.VFIO_IOMMU_GET_INFO()),
    VFIO_IOMMU_MAP_DMA(Native.VFIO_IOMMU_MAP_DMA()),
    VFIO_IOMMU_UNMAP_DMA(Native.VFIO_IOMMU_UNMAP_DMA()),
    // on a group fd (/dev/vfio/N)
    VFIO_GROUP_GET_STATUS(Native.VFIO_GROUP_GET_STATUS()),
    VFIO_GROUP_SET_CONTAINER(Native.VFIO_GROUP_SET_CONTAINER()),
    VFIO_GROUP_UNSET_CONTAINER(Native.VFIO_GROUP_UNSET_CONTAINER()),
    VFIO_GROUP_GET_DEVICE_FD(Native.VFIO_GROUP_GET_DEVICE_FD()),
    // on a device fd
    VFIO_DEVICE_GET_INFO(Native.VFIO_DEVICE_GET_INFO()),
    VFIO_DEVICE_GET_REGION_INFO(Native.VFIO_DEVICE_GET_REGION_INFO()),
    VFIO_DEVICE_GET_IRQ_INFO(Native.VFIO_DEVICE_GET_IRQ_INFO()),
    VFIO_DEVICE_SET_IRQS(Native.VFIO_DEVICE_SET_IRQS()),
    VFIO_DEVICE_RESET(Native.VFIO_DEVICE_RESET());

    private final long number;

    VfioIoctl(long number) {
        this.number = number;
    }

    /** The request number passed as ioctl's second argument. */
    long number() {
        return number;
    }
}
