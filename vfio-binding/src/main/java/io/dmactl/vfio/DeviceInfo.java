package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;

/**
 * What {@code VFIO_DEVICE_GET_INFO} reports about a device.
 *
 * @param flags      {@code VFIO_DEVICE_FLAGS_*}
 * @param numRegions regions 0 .. numRegions-1 exist (for PCI: BAR0-5, ROM, config, VGA, then device specific)
 * @param numIrqs    IRQ indexes 0 .. numIrqs-1 exist (for PCI: INTx, MSI, MSI-X, ERR, REQ)
 */
public record DeviceInfo(int flags, int numRegions, int numIrqs) {

    /**
     * True if the device supports {@link VfioDevice#reset()} ({@code VFIO_DEVICE_FLAGS_RESET}).
     *
     * @return true if it can be reset
     */
    public boolean canReset() {
        return (flags & Native.VFIO_DEVICE_FLAGS_RESET()) != 0;
    }

    /**
     * True for a vfio-pci device ({@code VFIO_DEVICE_FLAGS_PCI}).
     *
     * @return true for a PCI device
     */
    public boolean isPci() {
        return (flags & Native.VFIO_DEVICE_FLAGS_PCI()) != 0;
    }
}
