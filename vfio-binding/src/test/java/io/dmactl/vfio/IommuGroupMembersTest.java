package io.dmactl.vfio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IommuGroupMembersTest {

    /** Lays out sysfs as the kernel does: group entries link to the devices, drivers are links too. */
    @Test
    void listsEachDeviceWithItsDriver(@TempDir Path sysfs) throws Exception {
        Path pci = Files.createDirectories(sysfs.resolve("devices/pci0000:00"));
        Path e1000e = Files.createDirectories(sysfs.resolve("bus/pci/drivers/e1000e"));
        Path vfio = Files.createDirectories(sysfs.resolve("bus/pci/drivers/vfio-pci"));
        Path nic = Files.createDirectories(pci.resolve("0000:00:19.0"));
        Path edu = Files.createDirectories(pci.resolve("0000:00:03.0"));
        Path bare = Files.createDirectories(pci.resolve("0000:00:04.0"));
        Files.createSymbolicLink(nic.resolve("driver"), e1000e);
        Files.createSymbolicLink(edu.resolve("driver"), vfio);
        Path groupDevices = Files.createDirectories(sysfs.resolve("kernel/iommu_groups/7/devices"));
        for (Path device : List.of(nic, edu, bare)) {
            Files.createSymbolicLink(groupDevices.resolve(device.getFileName()), device);
        }

        assertEquals(List.of("0000:00:03.0 (driver vfio-pci)", "0000:00:04.0 (no driver)", "0000:00:19.0 (driver e1000e)"),
                IommuGroupMembers.describe(sysfs, 7));
        assertTrue(IommuGroupMembers.contains(sysfs, 7, "0000:00:03.0"));
        assertFalse(IommuGroupMembers.contains(sysfs, 7, "0000:00:05.0"));
        assertEquals(List.of(), IommuGroupMembers.describe(sysfs, 8));
    }
}
