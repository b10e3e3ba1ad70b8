package io.dmactl.cli;

import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciSysfs;
import io.dmactl.vfio.pci.SysfsWriter;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays the kernel's part for the sysfs writes of bind and unbind in a fixture tree, and
 * records every write: {@code driver_override} stores the name ({@code (null)} when cleared),
 * {@code drivers/<d>/unbind} removes the device's {@code driver} link, {@code drivers_probe}
 * binds the overriding driver or, without an override, the driver the device had when the
 * fixture was made (if that driver is loaded).
 */
public final class FixtureKernel implements SysfsWriter {

    private final Path root;
    private final Map<String, String> hostDrivers = new HashMap<>();
    private final List<String> writes = new ArrayList<>();
    private boolean denyAll;

    FixtureKernel(PciSysfs sysfs) {
        this.root = sysfs.root();
        for (PciDevice device : sysfs.devices()) {
            device.driver().ifPresent(driver -> hostDrivers.put(device.address().toString(), driver));
        }
    }

    /** Every write so far, as {@code <path relative to the sysfs root>=<value>}. */
    public List<String> writes() {
        return List.copyOf(writes);
    }

    /** From now on refuse every write with EACCES, as the kernel does for a user who is not root. */
    public void denyAllWrites() {
        denyAll = true;
    }

    @Override
    public void write(Path attribute, String value) throws IOException {
        if (denyAll) {
            throw new AccessDeniedException(attribute.toString());
        }
        if (!Files.isRegularFile(attribute)) {
            throw new NoSuchFileException(attribute.toString());
        }
        Path relative = root.relativize(attribute);
        writes.add(relative + "=" + value.strip());
        String name = relative.getFileName().toString();
        if (name.equals("driver_override")) {
            Files.writeString(attribute, value.strip().isEmpty() ? "(null)\n" : value.strip() + "\n");
        } else if (relative.equals(Path.of("bus/pci/drivers_probe"))) {
            probe(value.strip());
        } else if (name.equals("unbind") && relative.startsWith("bus/pci/drivers")) {
            unbind(relative.getParent().getFileName().toString(), value.strip());
        } else {
            throw new IOException("FixtureKernel does not know what writing " + relative + " does");
        }
    }

    private void probe(String address) throws IOException {
        Path device = root.resolve("bus/pci/devices").resolve(address).toRealPath();
        if (Files.isSymbolicLink(device.resolve("driver"))) {
            return;
        }
        String override = Files.readString(device.resolve("driver_override")).strip();
        String driver = override.equals("(null)") ? hostDrivers.get(address) : override;
        if (driver == null || !Files.isDirectory(root.resolve("bus/pci/drivers").resolve(driver))) {
            return;
        }
        Path driverDirectory = root.resolve("bus/pci/drivers").resolve(driver);
        Files.createSymbolicLink(device.resolve("driver"), device.relativize(driverDirectory));
        Files.createSymbolicLink(driverDirectory.resolve(address), driverDirectory.relativize(device));
    }

    private void unbind(String driver, String address) throws IOException {
        Path device = root.resolve("bus/pci/devices").resolve(address).toRealPath();
        Path link = device.resolve("driver");
        if (!Files.isSymbolicLink(link) || !Files.readSymbolicLink(link).getFileName().toString().equals(driver)) {
            throw new IOException("No such device"); // the kernel's answer for a device the driver does not hold
        }
        Files.delete(link);
        Files.deleteIfExists(root.resolve("bus/pci/drivers").resolve(driver).resolve(address));
    }
}
