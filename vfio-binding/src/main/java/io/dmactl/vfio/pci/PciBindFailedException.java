package io.dmactl.vfio.pci;

/**
 * A bind, unbind or restore was started but the kernel did not end in the expected state
 * (a write failed midway, or a probe did not bind the driver). The message says what was
 * written, what the device is bound to now, and whether the earlier state was put back;
 * the kernel log (dmesg) usually says why the probe failed.
 */
public final class PciBindFailedException extends PciException {

    private static final long serialVersionUID = 1L;

    private final transient PciAddress address;

    /**
     * A bind that failed while writing sysfs.
     *
     * @param address the device's address
     * @param message what failed
     * @param cause the underlying error
     */
    public PciBindFailedException(PciAddress address, String message, Throwable cause) {
        super(message, cause);
        this.address = address;
    }

    /**
     * The device whose bind failed.
     *
     * @return the address
     */
    public PciAddress address() {
        return address;
    }
}
