package io.dmactl.vfio.pci;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A snapshot of one PCI function as sysfs described it when {@link PciSysfs} read it. It
 * does not follow later changes (a bind changes {@link #driver()}); read it again for that.
 *
 * @param address           where it sits
 * @param vendorId          16-bit vendor id ({@code vendor})
 * @param deviceId          16-bit device id ({@code device})
 * @param classCode         24-bit class code: base class, subclass, programming interface ({@code class})
 * @param revision          8-bit revision id ({@code revision})
 * @param subsystemVendorId 16-bit subsystem vendor id ({@code subsystem_vendor})
 * @param subsystemDeviceId 16-bit subsystem id ({@code subsystem_device})
 * @param driver            name of the bound driver ({@code driver} symlink), empty when unbound
 * @param driverOverride    the {@code driver_override} value, empty when unset ({@code (null)})
 *                          or when the kernel has no such file
 * @param iommuGroup        IOMMU group number ({@code iommu_group} symlink), empty without an IOMMU
 * @param numaNode          NUMA node ({@code numa_node}), empty when the kernel reports -1 or no file
 * @param resources         the assigned windows from {@code resource}, in slot order, unused slots left out
 */
public record PciDevice(
        PciAddress address,
        int vendorId,
        int deviceId,
        int classCode,
        int revision,
        int subsystemVendorId,
        int subsystemDeviceId,
        Optional<String> driver,
        Optional<String> driverOverride,
        OptionalInt iommuGroup,
        OptionalInt numaNode,
        List<PciResource> resources) {

    /** Checks the fields' ranges and copies {@code resources}. */
    public PciDevice {
        Objects.requireNonNull(address, "address");
        checkBits("vendorId", vendorId, 16);
        checkBits("deviceId", deviceId, 16);
        checkBits("classCode", classCode, 24);
        checkBits("revision", revision, 8);
        checkBits("subsystemVendorId", subsystemVendorId, 16);
        checkBits("subsystemDeviceId", subsystemDeviceId, 16);
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(driverOverride, "driverOverride");
        Objects.requireNonNull(iommuGroup, "iommuGroup");
        Objects.requireNonNull(numaNode, "numaNode");
        resources = List.copyOf(resources);
    }

    /**
     * Base class, bits 23-16 of the class code (e.g. 0x01 mass storage).
     *
     * @return the base class, 0..0xff
     */
    public int baseClass() {
        return classCode >>> 16;
    }

    /**
     * Subclass, bits 15-8 of the class code (e.g. 0x08 non-volatile memory).
     *
     * @return the subclass, 0..0xff
     */
    public int subclass() {
        return (classCode >>> 8) & 0xff;
    }

    /**
     * Programming interface, bits 7-0 of the class code (e.g. 0x02 NVMe).
     *
     * @return the programming interface, 0..0xff
     */
    public int programmingInterface() {
        return classCode & 0xff;
    }

    /**
     * A human name for the class, e.g. "Non-volatile memory controller".
     *
     * @return the class name
     */
    public String className() {
        return PciClassNames.nameOf(classCode);
    }

    /**
     * {@code vvvv:dddd} in lower-case hex, as lspci -n prints ids.
     *
     * @return the ids
     */
    public String ids() {
        return String.format("%04x:%04x", vendorId, deviceId);
    }

    /**
     * True for PCI-to-PCI and CardBus bridges (a type 1 or 2 header). Host bridges are not
     * included: they are ordinary functions as far as binding goes.
     *
     * @return true for a bridge
     */
    public boolean isBridge() {
        int baseAndSub = classCode >>> 8;
        return baseAndSub == 0x0604 || baseAndSub == 0x0607 || baseAndSub == 0x0609;
    }

    /**
     * True when bound to the driver of that name.
     *
     * @param driverName a driver's name, e.g. {@code vfio-pci}
     * @return true if bound to it
     */
    public boolean isBoundTo(String driverName) {
        return driver.isPresent() && driver.get().equals(driverName);
    }

    /**
     * The window of standard BAR {@code barIndex} (0-5), empty when the BAR is unused.
     *
     * @param barIndex the BAR, 0..5
     * @return the BAR's window, or empty
     */
    public Optional<PciResource> bar(int barIndex) {
        if (barIndex < 0 || barIndex >= PciResource.BAR_COUNT) {
            throw new IllegalArgumentException("BAR index " + barIndex + " is out of range (0-5)");
        }
        for (PciResource resource : resources) {
            if (resource.index() == barIndex) {
                return Optional.of(resource);
            }
        }
        return Optional.empty();
    }

    private static void checkBits(String field, int value, int bits) {
        if (value < 0 || value >= (1 << bits)) {
            throw new IllegalArgumentException(field + " 0x" + Integer.toHexString(value)
                    + " does not fit in " + bits + " bits");
        }
    }
}
