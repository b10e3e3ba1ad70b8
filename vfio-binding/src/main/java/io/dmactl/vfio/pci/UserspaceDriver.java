package io.dmactl.vfio.pci;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The kernel drivers that hand a PCI device to userspace, as dmactl can bind them. */
public enum UserspaceDriver {

    /** VFIO: DMA isolated by the IOMMU, interrupts through eventfds. The default. */
    VFIO_PCI("vfio-pci"),

    /**
     * Generic UIO: BARs through sysfs, INTx only, and no DMA isolation at all: the device can
     * write anywhere in memory. Only with an explicit {@link IommuPolicy#ALLOW_NO_IOMMU}.
     */
    UIO_PCI_GENERIC("uio_pci_generic");

    private final String sysfsName;

    UserspaceDriver(String sysfsName) {
        this.sysfsName = sysfsName;
    }

    /**
     * The name under /sys/bus/pci/drivers, also accepted by {@code modprobe}.
     *
     * @return the name
     */
    public String sysfsName() {
        return sysfsName;
    }

    /**
     * The driver with that sysfs name.
     *
     * @param name a sysfs name, {@code vfio-pci} or {@code uio_pci_generic}
     * @return the driver
     * @throws IllegalArgumentException naming the text and the accepted names
     */
    public static UserspaceDriver fromSysfsName(String name) {
        for (UserspaceDriver driver : values()) {
            if (driver.sysfsName.equals(name)) {
                return driver;
            }
        }
        throw new IllegalArgumentException("unknown userspace driver '" + name + "': expected one of "
                + Arrays.stream(values()).map(UserspaceDriver::sysfsName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return sysfsName;
    }
}
