package io.dmactl.vfio;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The devices of an IOMMU group and the drivers they are bound to, read from sysfs,
 * so that "group not viable" can say which device holds it back.
 */
final class IommuGroupMembers {
    private IommuGroupMembers() {
    }

    /** The group's devices directory, e.g. /sys/kernel/iommu_groups/7/devices. */
    static Path devicesDir(Path sysfsRoot, int group) {
        return sysfsRoot.resolve("kernel/iommu_groups").resolve(Integer.toString(group)).resolve("devices");
    }

    /** True if {@code pciAddress} is listed in the group's devices directory. */
    static boolean contains(Path sysfsRoot, int group, String pciAddress) {
        return Files.exists(devicesDir(sysfsRoot, group).resolve(pciAddress));
    }

    /**
     * One entry per device of the group, e.g. {@code 0000:00:03.0 (driver e1000e)} or
     * {@code 0000:00:04.0 (no driver)}, sorted by address; empty if sysfs does not list the group.
     */
    static List<String> describe(Path sysfsRoot, int group) {
        Path dir = devicesDir(sysfsRoot, group);
        List<String> members = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return members;
        }
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(dir)) {
            for (Path device : devices) {
                Path driver = device.resolve("driver");
                String bound = Files.isSymbolicLink(driver)
                        ? "driver " + Files.readSymbolicLink(driver).getFileName()
                        : "no driver";
                members.add(device.getFileName() + " (" + bound + ")");
            }
        } catch (IOException e) {
            members.add("(cannot list " + dir + ": " + e.getMessage() + ")");
        }
        members.sort(null);
        return members;
    }
}
