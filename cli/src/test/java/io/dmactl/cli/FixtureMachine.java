package io.dmactl.cli;

import io.dmactl.cli.host.EngineInspector;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.host.ProviderCatalog;
import io.dmactl.cli.host.VfioInspector;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.vfio.pci.PciSysfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A machine for CLI tests, all under one temporary directory: a sysfs tree copied from
 * {@code sysfs-fixtures/<name>} (tree/ plus the links listed in symlinks, see the README
 * there), a /proc with an empty mountinfo and no swap, a state directory, a
 * {@link FixtureKernel} that plays the kernel's part for binds, and the providers and VFIO
 * inspector a test chooses. Helpers add what a test needs: block devices, mounts, interfaces.
 */
public final class FixtureMachine {

    private final Path root;
    private final Path sysfsRoot;
    private final Path procRoot;
    private final Path stateDirectory;
    private final PciSysfs sysfs;
    private final FixtureKernel kernel;

    private FixtureMachine(Path root, String fixture) {
        this.root = root;
        this.sysfsRoot = root.resolve("sys");
        this.procRoot = root.resolve("proc");
        this.stateDirectory = root.resolve("run/dmactl");
        try {
            copyFixture(fixture, sysfsRoot);
            Files.createDirectories(procRoot.resolve("self"));
            Files.writeString(procRoot.resolve("self/mountinfo"),
                    "22 1 0:21 / /proc rw,relatime shared:12 - proc proc rw\n");
            Files.writeString(procRoot.resolve("swaps"), "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.sysfs = new PciSysfs(sysfsRoot);
        this.kernel = new FixtureKernel(sysfs);
    }

    /** The q35 testbed guest's PCI view (IOMMU, edu, nvme, ivshmem, e1000e, ICH9 group). */
    public static FixtureMachine q35(Path temporaryDirectory) {
        return new FixtureMachine(temporaryDirectory, "q35-testbed");
    }

    /** A VM without an IOMMU: five virtio devices, no IOMMU groups. */
    public static FixtureMachine noIommu(Path temporaryDirectory) {
        return new FixtureMachine(temporaryDirectory, "firecracker-vm");
    }

    /** The machine with these providers; {@code info} finds no engine to inspect. */
    /** A host with no providers on which any VFIO or engine question fails the test: for help and parsing. */
    public HostSystem hostWithoutVfio() {
        return host(List.of(), device -> {
            throw new AssertionError("this test asks no VFIO question, but one was asked about " + device);
        });
    }

    public HostSystem host(List<DmaProvider> providers, VfioInspector vfio) {
        return host(providers, vfio, (device, provider) -> {
            throw new IllegalStateException("no engine for " + device.address() + " in this test");
        });
    }

    public HostSystem host(List<DmaProvider> providers, VfioInspector vfio, EngineInspector engines) {
        return new HostSystem(sysfs, kernel, procRoot, stateDirectory, ProviderCatalog.of(providers), vfio, engines);
    }

    public PciSysfs sysfs() {
        return sysfs;
    }

    public FixtureKernel kernel() {
        return kernel;
    }

    public Path stateDirectory() {
        return stateDirectory;
    }

    public Path root() {
        return root;
    }

    /** The real directory of a function, e.g. {@code devices/pci0000:00/0000:00:04.0}. */
    public Path functionDirectory(String address) {
        try {
            return sysfsRoot.resolve("bus/pci/devices").resolve(address).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds a block device (disk or partition) at {@code relativePath} below the function's
     * directory, as the kernel lays one out: {@code dev}, a {@code subsystem} link to
     * class/block, and an empty {@code holders/}.
     */
    public Path addBlockDevice(String address, String relativePath, String deviceNumber) {
        Path device = functionDirectory(address).resolve(relativePath);
        try {
            Files.createDirectories(device.resolve("holders"));
            Files.writeString(device.resolve("dev"), deviceNumber + "\n");
            Files.createSymbolicLink(device.resolve("subsystem"), Path.of("../../../../../../class/block"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return device;
    }

    /** Adds network interface {@code name} below the function, with its operstate and flags. */
    public Path addInterface(String address, String relativePath, String operstate, String flags) {
        Path device = functionDirectory(address).resolve(relativePath);
        try {
            Files.createDirectories(device);
            Files.writeString(device.resolve("operstate"), operstate + "\n");
            Files.writeString(device.resolve("flags"), flags + "\n");
            Files.createSymbolicLink(device.resolve("subsystem"), Path.of("../../../../../class/net"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return device;
    }

    /** Appends a mountinfo line: filesystem on device {@code deviceNumber} from {@code source} at {@code mountPoint}. */
    public void mount(String deviceNumber, String source, String mountPoint) {
        String line = "40 1 " + deviceNumber + " / " + mountPoint + " rw,relatime shared:1 - ext4 " + source + " rw\n";
        append(procRoot.resolve("self/mountinfo"), line);
    }

    public void swapOn(String devicePath) {
        append(procRoot.resolve("swaps"), devicePath + "\tpartition\t1048572\t0\t-2\n");
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, Files.readString(file) + text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyFixture(String name, Path into) throws IOException {
        URL url = FixtureMachine.class.getResource("/sysfs-fixtures/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no fixture sysfs-fixtures/" + name + " on the test class path");
        }
        Path source;
        try {
            source = Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path tree = source.resolve("tree");
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = into.resolve(tree.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
        for (String line : Files.readAllLines(source.resolve("symlinks"))) {
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            String[] parts = entry.split(" -> ");
            Path link = into.resolve(parts[0]);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of(parts[1]));
        }
    }
}
