package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;

/**
 * What {@code VFIO_DEVICE_GET_IRQ_INFO} reports about one IRQ index of a device.
 *
 * @param index the IRQ index ({@link VfioDevice#INTX}, {@link VfioDevice#MSI}, {@link VfioDevice#MSIX}, ...)
 * @param count how many vectors the index has (0 if the device lacks this kind)
 * @param flags {@code VFIO_IRQ_INFO_*}
 */
public record IrqInfo(int index, int count, int flags) {

    /**
     * Interrupts can be delivered on eventfds ({@link VfioDevice#setIrqEventFds}).
     *
     * @return true if eventfds can be attached
     */
    public boolean eventFdCapable() {
        return (flags & Native.VFIO_IRQ_INFO_EVENTFD()) != 0;
    }

    /**
     * Supports mask/unmask actions.
     *
     * @return true if maskable
     */
    public boolean maskable() {
        return (flags & Native.VFIO_IRQ_INFO_MASKABLE()) != 0;
    }

    /**
     * VFIO masks the line after each interrupt (level-triggered INTx); it must be unmasked again.
     *
     * @return true if automasked
     */
    public boolean automasked() {
        return (flags & Native.VFIO_IRQ_INFO_AUTOMASKED()) != 0;
    }

    /**
     * Vectors are enabled as one set: to add vectors, disable the index and set them all again.
     *
     * @return true if the vector set cannot grow while enabled
     */
    public boolean noResize() {
        return (flags & Native.VFIO_IRQ_INFO_NORESIZE()) != 0;
    }
}
