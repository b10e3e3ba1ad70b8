package io.dmactl.cli.host;

import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciException;
import io.dmactl.vfio.pci.PciSysfs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds what the host is doing with a PCI function, before dmactl takes it from its driver.
 *
 * <p>The kernel objects a driver creates for a function live below the function's sysfs
 * directory, at depths that differ per driver ({@code virtio1/block/vda},
 * {@code nvme/nvme0/nvme0n1/nvme0n1p1}, {@code ata1/host0/target0:0:0/0:0:0:0/block/sda},
 * {@code net/eth0}); each has a {@code subsystem} link naming its class. So the function's
 * directory is walked (links not followed, other PCI functions behind a bridge not entered) and:
 * <ul>
 *   <li>a {@code block} device is in use when a filesystem on it is mounted (matched by its
 *       {@code dev} number against {@code /proc/self/mountinfo}, which also catches
 *       {@code /dev/root}, or by the mount source's name), when it is active swap
 *       ({@code /proc/swaps}), or when another block device holds it ({@code holders/});</li>
 *   <li>a {@code net} interface is in use when it is administratively up (IFF_UP in {@code flags}).</li>
 * </ul>
 */
public final class HostUseDetector {

    /** Deep enough for the SCSI chain ata/host/target/lun/block/disk/partition. */
    private static final int MAX_DEPTH = 10;
    private static final long IFF_UP = 0x1;

    private final PciSysfs sysfs;
    private final Path procRoot;

    /**
     * @param sysfs    where devices are read
     * @param procRoot a tree laid out like /proc (only {@code self/mountinfo} and {@code swaps} are read)
     */
    public HostUseDetector(PciSysfs sysfs, Path procRoot) {
        this.sysfs = Objects.requireNonNull(sysfs, "sysfs");
        this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
    }

    /**
     * The host's uses of the function, empty when it is idle (or has no driver).
     *
     * @throws io.dmactl.vfio.pci.NoSuchPciDeviceException when there is no such function
     * @throws PciException when sysfs or /proc cannot be read, so the check cannot be made
     */
    public List<HostUse> usesOf(PciAddress address) {
        sysfs.require(address);
        Path start;
        try {
            start = sysfs.devicePath(address).toRealPath();
        } catch (IOException e) {
            throw new PciException("cannot check whether " + address + " is in use: " + e, e);
        }
        List<Path> blockDevices = new ArrayList<>();
        List<Path> interfaces = new ArrayList<>();
        walk(start, blockDevices, interfaces);

        List<HostUse> uses = new ArrayList<>();
        if (!blockDevices.isEmpty()) {
            List<MountEntry> mounts = MountEntry.readMountinfo(procRoot.resolve("self/mountinfo"));
            List<String> swaps = readSwapDevices(procRoot.resolve("swaps"));
            for (Path block : blockDevices) {
                blockUses(block, mounts, swaps, uses);
            }
        }
        for (Path netInterface : interfaces) {
            interfaceUse(netInterface).ifPresent(uses::add);
        }
        return List.copyOf(uses);
    }

    private static void walk(Path start, List<Path> blockDevices, List<Path> interfaces) {
        try {
            Files.walkFileTree(start, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    if (!dir.equals(start) && isPciFunction(dir.getFileName().toString())) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    String subsystem = linkName(dir.resolve("subsystem")).orElse("");
                    if (subsystem.equals("block")) {
                        blockDevices.add(dir);
                    } else if (subsystem.equals("net")) {
                        interfaces.add(dir);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // Some attributes are root-only or vanish while we look; they hold no devices.
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new PciException("cannot check whether " + start + " is in use: " + e, e);
        }
    }

    private static void blockUses(Path block, List<MountEntry> mounts, List<String> swaps, List<HostUse> uses) {
        String name = block.getFileName().toString();
        Optional<String> deviceNumber = readOptional(block.resolve("dev"));
        for (MountEntry mount : mounts) {
            boolean sameNumber = deviceNumber.isPresent() && deviceNumber.get().equals(mount.deviceNumber());
            if (sameNumber || mount.sourceNames(name)) {
                uses.add(new HostUse(HostUse.Kind.MOUNTED, name, mount.mountPoint()));
                break;
            }
        }
        if (swaps.contains(name)) {
            uses.add(new HostUse(HostUse.Kind.SWAP, name, "swap"));
        }
        List<String> holders = listNames(block.resolve("holders"));
        if (!holders.isEmpty()) {
            uses.add(new HostUse(HostUse.Kind.HELD, name, String.join(", ", holders)));
        }
    }

    private static Optional<HostUse> interfaceUse(Path netInterface) {
        String name = netInterface.getFileName().toString();
        String operstate = readOptional(netInterface.resolve("operstate")).orElse("unknown");
        Optional<String> flagsText = readOptional(netInterface.resolve("flags"));
        boolean up;
        if (flagsText.isPresent()) {
            String hex = flagsText.get().startsWith("0x") ? flagsText.get().substring(2) : flagsText.get();
            try {
                up = (Long.parseLong(hex, 16) & IFF_UP) != 0;
            } catch (NumberFormatException e) {
                throw new PciException("malformed " + netInterface.resolve("flags") + ": '" + flagsText.get()
                        + "' is not a hex number", e);
            }
        } else {
            up = operstate.equals("up");
        }
        return up ? Optional.of(new HostUse(HostUse.Kind.INTERFACE_UP, name, "operstate " + operstate))
                : Optional.empty();
    }

    /** Names of active swap block devices, from /proc/swaps (first column, header skipped). */
    private static List<String> readSwapDevices(Path swaps) {
        List<String> names = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(swaps);
        } catch (NoSuchFileException e) {
            return List.of(); // a kernel without swap support has no /proc/swaps
        } catch (IOException e) {
            throw new PciException("cannot read " + swaps + " to check for swap devices: " + e, e);
        }
        for (int i = 1; i < lines.size(); i++) {
            String[] fields = lines.get(i).strip().split("\\s+");
            if (fields.length > 0 && fields[0].startsWith("/dev/")) {
                names.add(Path.of(fields[0]).getFileName().toString());
            }
        }
        return names;
    }

    private static boolean isPciFunction(String name) {
        try {
            PciAddress.parse(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<String> linkName(Path link) {
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readSymbolicLink(link).getFileName().toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static List<String> listNames(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
        } catch (IOException e) {
            throw new PciException("cannot read " + directory + ": " + e, e);
        }
        names.sort(null);
        return names;
    }

    private static Optional<String> readOptional(Path file) {
        try {
            return Optional.of(Files.readString(file).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new PciException("cannot read " + file + ": " + e, e);
        }
    }
}
