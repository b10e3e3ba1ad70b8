package io.dmactl.vfio.pci;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link SysfsWriter} for fixture trees that records every write and plays the kernel's
 * part for the few attributes {@link PciBinder} uses, moving the {@code driver} links as the
 * kernel would: {@code driver_override} stores the name ({@code (null)} when cleared),
 * {@code drivers/<d>/unbind} detaches, {@code drivers_probe} attaches the overriding driver or,
 * without an override, the device's own host driver (as found when the fake was made).
 */
final class FakeKernel implements SysfsWriter {

    private final Path root;
    private final Map<String, String> hostDrivers = new HashMap<>();
    private final List<String> writes = new ArrayList<>();
    private final Set<String> driversFailingProbe = new HashSet<>();
    private final Set<Path> failingAttributes = new HashSet<>();
    private boolean denyAll;

    FakeKernel(PciSysfs sysfs) {
        this.root = sysfs.root();
        for (PciDevice device : sysfs.devices()) {
            device.driver().ifPresent(driver -> hostDrivers.put(device.address().toString(), driver));
        }
    }

    /** Every write so far, as {@code <path relative to the root>=<value>}. */
    List<String> writes() {
        return List.copyOf(writes);
    }

    /** Refuse every write with EACCES, as for a user who is not root. */
    void denyAllWrites() {
        denyAll = true;
    }

    /** The driver's probe fails: drivers_probe succeeds but leaves the device unbound. */
    void failProbeOf(String driver) {
        driversFailingProbe.add(driver);
    }

    /** Writes to this attribute fail with an I/O error (ENODEV), as a kernel refusal would. */
    void failWritesTo(Path attribute) {
        failingAttributes.add(attribute);
    }

    @Override
    public void write(Path attribute, String value) throws IOException {
        if (denyAll) {
            throw new AccessDeniedException(attribute.toString());
        }
        if (failingAttributes.contains(attribute)) {
            throw new IOException("No such device");
        }
        if (!Files.isRegularFile(attribute)) {
            throw new NoSuchFileException(attribute.toString());
        }
        writes.add(root.relativize(attribute) + "=" + value);
        Path relative = root.relativize(attribute);
        if (relative.getFileName().toString().equals("driver_override")) {
            Files.writeString(attribute, value.strip().isEmpty() ? "(null)\n" : value.strip() + "\n");
        } else if (relative.equals(Path.of("bus/pci/drivers_probe"))) {
            probe(value.strip());
        } else if (relative.startsWith("bus/pci/drivers") && relative.getFileName().toString().equals("unbind")) {
            unbind(relative.getParent().getFileName().toString(), value.strip());
        } else {
            throw new IOException("FakeKernel does not know what writing " + relative + " does");
        }
    }

    private void probe(String address) throws IOException {
        Path device = root.resolve("bus/pci/devices").resolve(address);
        if (!Files.isDirectory(device)) {
            throw new IOException("No such device");
        }
        if (Files.isSymbolicLink(device.resolve("driver"))) {
            return;
        }
        String override = Files.readString(device.resolve("driver_override")).strip();
        String driver = override.equals("(null)") ? hostDrivers.get(address) : override;
        if (driver == null || driversFailingProbe.contains(driver)
                || !Files.isDirectory(root.resolve("bus/pci/drivers").resolve(driver))) {
            return;
        }
        Path realDevice = device.toRealPath();
        Files.createSymbolicLink(device.resolve("driver"),
                realDevice.relativize(root.toRealPath().resolve("bus/pci/drivers").resolve(driver)));
        Path driverDirectory = root.resolve("bus/pci/drivers").resolve(driver);
        Files.createSymbolicLink(driverDirectory.resolve(address),
                driverDirectory.toRealPath().relativize(realDevice));
    }

    private void unbind(String driver, String address) throws IOException {
        Path link = root.resolve("bus/pci/devices").resolve(address).resolve("driver");
        if (!Files.isSymbolicLink(link) || !Files.readSymbolicLink(link).getFileName().toString().equals(driver)) {
            throw new IOException("No such device"); // the kernel's answer: not bound to this driver
        }
        Files.delete(link);
        Files.delete(root.resolve("bus/pci/drivers").resolve(driver).resolve(address));
    }
}
