package io.dmactl.vfio.pci;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads PCI devices, drivers and IOMMU groups from a sysfs tree. Read-only: changes go
 * through {@link PciBinder}.
 *
 * <p>The root is a parameter so tests can point it at a fixture tree laid out like /sys.
 * Paths used, relative to the root:
 * <pre>
 * bus/pci/devices/&lt;address&gt;/      vendor device class revision subsystem_vendor subsystem_device
 *                                    resource numa_node driver_override, driver -&gt; (symlink),
 *                                    iommu_group -&gt; (symlink)
 * bus/pci/drivers/&lt;name&gt;/         one directory per loaded driver
 * kernel/iommu_groups/&lt;n&gt;/devices/ one entry per member device
 * class/iommu/                       one entry per IOMMU the kernel registered
 * </pre>
 * Every method reads sysfs afresh; nothing is cached, so results reflect binds made since.
 */
public final class PciSysfs {

    private static final Path SYSTEM_ROOT = Path.of("/sys");

    /**
     * Drivers that VFIO accepts next to vfio-pci in one IOMMU group: they take no DMA
     * ownership of the device (the kernel's {@code driver_managed_dma}). pcieport binds
     * only PCIe ports (bridges), pci-stub holds a device so nothing else binds it.
     */
    private static final List<String> DMA_NEUTRAL_DRIVERS = List.of("vfio-pci", "pci-stub", "pcieport");

    private final Path root;

    /**
     * Reads the running kernel's sysfs at /sys.
     *
     * @return the system's sysfs
     */
    public static PciSysfs system() {
        return new PciSysfs(SYSTEM_ROOT);
    }

    /**
     * Reads a tree laid out like /sys, rooted at {@code root}.
     *
     * @param root the tree's root, like /sys
     */
    public PciSysfs(Path root) {
        this.root = Objects.requireNonNull(root, "sysfs root");
    }

    /**
     * The tree's root.
     *
     * @return the root
     */
    public Path root() {
        return root;
    }

    /**
     * The device's sysfs directory ({@code bus/pci/devices/<address>}); it may not exist.
     *
     * @param address the device's address
     * @return the directory
     */
    public Path devicePath(PciAddress address) {
        return devicesDirectory().resolve(address.toString());
    }

    /**
     * The driver's sysfs directory ({@code bus/pci/drivers/<name>}); it exists when the driver is loaded.
     *
     * @param driverName the driver's name
     * @return the directory
     */
    public Path driverPath(String driverName) {
        checkDriverName(driverName);
        return root.resolve("bus/pci/drivers").resolve(driverName);
    }

    /**
     * True when a PCI driver of that name is registered (its module is loaded or built in).
     *
     * @param driverName the driver's name
     * @return true if registered
     */
    public boolean driverLoaded(String driverName) {
        return Files.isDirectory(driverPath(driverName));
    }

    /**
     * True when the kernel registered at least one IOMMU ({@code class/iommu} not empty), so
     * devices get IOMMU groups and vfio-pci can isolate their DMA.
     *
     * @return true if an IOMMU is registered
     */
    public boolean iommuPresent() {
        Path iommus = root.resolve("class/iommu");
        if (!Files.isDirectory(iommus)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(iommus)) {
            return entries.iterator().hasNext();
        } catch (IOException e) {
            throw readFailure(iommus, e);
        }
    }

    /**
     * Every PCI function, in address order.
     *
     * @return the functions
     * @throws PciException when there is no {@code bus/pci/devices} directory (no PCI bus, or
     *                      sysfs is not mounted at the root)
     */
    public List<PciDevice> devices() {
        List<PciDevice> devices = new ArrayList<>();
        for (PciAddress address : listAddresses(devicesDirectory())) {
            // A device removed between listing and reading (hot unplug) is simply gone.
            find(address).ifPresent(devices::add);
        }
        return List.copyOf(devices);
    }

    /**
     * The device at {@code address}, or empty when there is none.
     *
     * @param address the device's address
     * @return the device, or empty
     */
    public Optional<PciDevice> find(PciAddress address) {
        Objects.requireNonNull(address, "address");
        Path directory = devicePath(address);
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        return Optional.of(read(address, directory));
    }

    /**
     * The device at {@code address}.
     *
     * @param address the device's address
     * @return the device
     * @throws NoSuchPciDeviceException naming the address and the directory looked at
     */
    public PciDevice require(PciAddress address) {
        return find(address).orElseThrow(() -> new NoSuchPciDeviceException(address, devicePath(address)));
    }

    /**
     * All devices with that vendor and device id, in address order.
     *
     * @param vendorId the vendor id
     * @param deviceId the device id
     * @return the devices
     */
    public List<PciDevice> findById(int vendorId, int deviceId) {
        checkId("vendor id", vendorId);
        checkId("device id", deviceId);
        List<PciDevice> matches = new ArrayList<>();
        for (PciDevice device : devices()) {
            if (device.vendorId() == vendorId && device.deviceId() == deviceId) {
                matches.add(device);
            }
        }
        return List.copyOf(matches);
    }

    /**
     * The members of IOMMU group {@code group}, in address order.
     *
     * @param group the IOMMU group number
     * @return the members
     * @throws PciException naming the group and path when there is no such group
     */
    public List<PciAddress> iommuGroupMembers(int group) {
        if (group < 0) {
            throw new IllegalArgumentException("IOMMU group " + group + " is negative");
        }
        Path members = root.resolve("kernel/iommu_groups").resolve(Integer.toString(group)).resolve("devices");
        if (!Files.isDirectory(members)) {
            throw new PciException("no IOMMU group " + group + ": " + members + " does not exist");
        }
        return listAddresses(members);
    }

    /**
     * The other devices in {@code address}'s IOMMU group that keep VFIO from using the group:
     * those bound to a host driver that owns DMA. Unbound devices and devices bound to
     * vfio-pci (or a vfio-pci variant), pci-stub or pcieport do not count. Empty when the
     * group would be viable with {@code address} bound to vfio-pci, and when the device has
     * no IOMMU group at all (check {@link PciDevice#iommuGroup()} for that).
     *
     * @param address the device's address
     * @return the blocking devices, empty when the group is viable
     */
    public List<PciDevice> vfioBlockers(PciAddress address) {
        PciDevice device = require(address);
        if (device.iommuGroup().isEmpty()) {
            return List.of();
        }
        List<PciDevice> blockers = new ArrayList<>();
        for (PciAddress member : iommuGroupMembers(device.iommuGroup().getAsInt())) {
            if (member.equals(address)) {
                continue;
            }
            find(member).filter(PciSysfs::ownsDma).ifPresent(blockers::add);
        }
        return List.copyOf(blockers);
    }

    Path devicesDirectory() {
        return root.resolve("bus/pci/devices");
    }

    Path driversProbePath() {
        return root.resolve("bus/pci/drivers_probe");
    }

    private static boolean ownsDma(PciDevice device) {
        if (device.driver().isEmpty()) {
            return false;
        }
        String driver = device.driver().get();
        // vfio-pci variant drivers (e.g. mlx5-vfio-pci) are VFIO drivers too.
        return !DMA_NEUTRAL_DRIVERS.contains(driver) && !driver.endsWith("vfio-pci");
    }

    private PciDevice read(PciAddress address, Path directory) {
        return new PciDevice(
                address,
                readHex(directory.resolve("vendor"), 16),
                readHex(directory.resolve("device"), 16),
                readHex(directory.resolve("class"), 24),
                readHex(directory.resolve("revision"), 8),
                readHex(directory.resolve("subsystem_vendor"), 16),
                readHex(directory.resolve("subsystem_device"), 16),
                readLinkName(directory.resolve("driver")),
                readDriverOverride(directory.resolve("driver_override")),
                readIommuGroup(directory.resolve("iommu_group")),
                readNumaNode(directory.resolve("numa_node")),
                readResources(directory.resolve("resource")));
    }

    private List<PciAddress> listAddresses(Path directory) {
        List<PciAddress> addresses = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                try {
                    addresses.add(PciAddress.parse(name));
                } catch (IllegalArgumentException e) {
                    throw new PciException("unexpected entry " + entry + ": " + e.getMessage(), e);
                }
            }
        } catch (NoSuchFileException e) {
            throw new PciException("no PCI devices in sysfs: " + directory
                    + " does not exist (no PCI bus, or sysfs is not mounted at " + root + ")", e);
        } catch (IOException e) {
            throw readFailure(directory, e);
        }
        addresses.sort(null);
        return List.copyOf(addresses);
    }

    private static int readHex(Path file, int bits) {
        String text = readOptional(file).orElseThrow(() -> new PciException(
                "cannot read " + file + ": the file does not exist (not a PCI device directory?)"));
        long value = -1;
        if (text.startsWith("0x") && text.length() > 2 && text.length() <= 10) {
            try {
                value = Long.parseLong(text.substring(2), 16);
            } catch (NumberFormatException e) {
                value = -1;
            }
        }
        if (value < 0 || value >= (1L << bits)) {
            throw new PciException("malformed " + file + ": '" + text + "' is not a 0x-prefixed "
                    + bits + "-bit hex number");
        }
        return (int) value;
    }

    private static Optional<String> readDriverOverride(Path file) {
        // The kernel prints "(null)" when no override is set; older kernels lack the file.
        return readOptional(file).filter(text -> !text.isEmpty() && !text.equals("(null)"));
    }

    private static OptionalInt readNumaNode(Path file) {
        Optional<String> text = readOptional(file);
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        int node;
        try {
            node = Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw new PciException("malformed " + file + ": '" + text.get() + "' is not a decimal NUMA node", e);
        }
        // -1: the platform did not say which node the device is near.
        return node < 0 ? OptionalInt.empty() : OptionalInt.of(node);
    }

    private static OptionalInt readIommuGroup(Path link) {
        Optional<String> name = readLinkName(link);
        if (name.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            int group = Integer.parseInt(name.get());
            if (group >= 0) {
                return OptionalInt.of(group);
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new PciException("malformed " + link + ": points to '" + name.get()
                + "', expected an IOMMU group number");
    }

    private static List<PciResource> readResources(Path file) {
        Optional<String> text = readOptional(file);
        if (text.isEmpty()) {
            return List.of();
        }
        try {
            return PciResource.parseResourceFile(text.get());
        } catch (IllegalArgumentException e) {
            throw new PciException("malformed " + file + ": " + e.getMessage(), e);
        }
    }

    /** The last path element of the symlink's target, empty when there is no link. */
    private static Optional<String> readLinkName(Path link) {
        try {
            Path target = Files.readSymbolicLink(link);
            return Optional.of(target.getFileName().toString());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            throw new PciPermissionException(link, "reading", e);
        } catch (IOException e) {
            throw readFailure(link, e);
        }
    }

    /** The file's text without the trailing newline, empty when the file does not exist. */
    private static Optional<String> readOptional(Path file) {
        try {
            return Optional.of(Files.readString(file).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            throw new PciPermissionException(file, "reading", e);
        } catch (IOException e) {
            throw readFailure(file, e);
        }
    }

    private static PciException readFailure(Path path, IOException e) {
        return new PciException("cannot read " + path + ": " + e, e);
    }

    private static void checkId(String what, int id) {
        if (id < 0 || id > 0xffff) {
            throw new IllegalArgumentException(what + " 0x" + Integer.toHexString(id)
                    + " is out of range (0-0xffff)");
        }
    }

    private static void checkDriverName(String driverName) {
        Objects.requireNonNull(driverName, "driver name");
        if (driverName.isEmpty() || driverName.contains("/") || driverName.equals(".") || driverName.equals("..")) {
            throw new IllegalArgumentException("bad driver name '" + driverName
                    + "': expected a name as listed in /sys/bus/pci/drivers, e.g. vfio-pci");
        }
    }
}
