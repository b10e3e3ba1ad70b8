package io.dmactl.cli.host;

import io.dmactl.vfio.pci.PciException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountEntryTest {

    @TempDir
    Path temporary;

    @Test
    void readsDeviceNumberMountPointAndSourceAcrossOptionalFields() throws IOException {
        Path file = temporary.resolve("mountinfo");
        Files.writeString(file, """
                25 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,discard
                30 25 0:25 / /dev/shm rw,nosuid,nodev - tmpfs tmpfs rw
                31 25 8:17 /sub /mnt/a\\040b\\011c rw shared:5 master:2 - xfs /dev/sdb1 rw
                32 25 8:18 / - rw shared:6 - ext4 /dev/sdb2 rw
                """);
        List<MountEntry> entries = MountEntry.readMountinfo(file);
        assertEquals(List.of(
                new MountEntry("254:1", "/", "/dev/vda1"),
                new MountEntry("0:25", "/dev/shm", "tmpfs"),
                new MountEntry("8:17", "/mnt/a b\tc", "/dev/sdb1"),
                new MountEntry("8:18", "-", "/dev/sdb2")), entries);
        assertTrue(entries.get(0).sourceNames("vda1"));
        assertTrue(!entries.get(0).sourceNames("vda"));
        assertTrue(!entries.get(1).sourceNames("tmpfs"), "only /dev sources name block devices");
    }

    @Test
    void aMalformedLineIsNamed() throws IOException {
        Path file = temporary.resolve("mountinfo");
        Files.writeString(file, "25 1 254:1 / / rw - ext4 /dev/vda1 rw\nnonsense\n");
        PciException e = assertThrows(PciException.class, () -> MountEntry.readMountinfo(file));
        assertTrue(e.getMessage().startsWith("malformed " + file + " line 2: 'nonsense'"), e.getMessage());
    }

    @Test
    void anUnreadableMountinfoSaysHowToSkipTheCheck() {
        PciException e = assertThrows(PciException.class, () -> MountEntry.readMountinfo(temporary.resolve("absent")));
        assertTrue(e.getMessage().contains("pass --force to skip the in-use check"), e.getMessage());
    }
}
