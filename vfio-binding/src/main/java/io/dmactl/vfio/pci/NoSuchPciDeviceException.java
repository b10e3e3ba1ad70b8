package io.dmactl.vfio.pci;

import java.nio.file.Path;

/** No PCI function at the given address: its sysfs directory does not exist. */
public final class NoSuchPciDeviceException extends PciException {

    private static final long serialVersionUID = 1L;

    private final transient PciAddress address;
    private final transient Path lookedAt;

    /**
     * A refusal whose message names the address and the directory, and how to list the devices.
     *
     * @param address the address looked for
     * @param lookedAt the sysfs directory that does not exist
     */
    public NoSuchPciDeviceException(PciAddress address, Path lookedAt) {
        super("no PCI device " + address + ": " + lookedAt
                + " does not exist (dmactl list --all shows the devices present)");
        this.address = address;
        this.lookedAt = lookedAt;
    }

    /**
     * The address looked for.
     *
     * @return the address
     */
    public PciAddress address() {
        return address;
    }

    /**
     * The sysfs directory that was expected to exist.
     *
     * @return the directory
     */
    public Path lookedAt() {
        return lookedAt;
    }
}
