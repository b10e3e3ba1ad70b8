package io.dmactl.cli.host;

import io.dmactl.cli.FixtureMachine;
import io.dmactl.vfio.pci.NoSuchPciDeviceException;
import io.dmactl.vfio.pci.PciAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HostUseDetectorTest {

    private static final PciAddress NVME = PciAddress.parse("0000:00:04.0");
    private static final PciAddress E1000E = PciAddress.parse("0000:00:02.0");
    private static final PciAddress EDU = PciAddress.parse("0000:00:03.0");

    @TempDir
    Path temporary;

    private FixtureMachine machine;
    private HostUseDetector detector;

    @BeforeEach
    void setUp() {
        machine = FixtureMachine.q35(temporary);
        detector = new HostUseDetector(machine.sysfs(), machine.root().resolve("proc"));
    }

    @Test
    void anIdleDeviceHasNoUses() {
        machine.addBlockDevice("0000:00:04.0", "nvme/nvme0/nvme0n1", "259:0");
        assertEquals(List.of(), detector.usesOf(NVME));
        assertEquals(List.of(), detector.usesOf(EDU));
    }

    @Test
    void aMountedPartitionIsFoundByItsDeviceNumber() {
        machine.addBlockDevice("0000:00:04.0", "nvme/nvme0/nvme0n1", "259:0");
        machine.addBlockDevice("0000:00:04.0", "nvme/nvme0/nvme0n1/nvme0n1p1", "259:1");
        // The root filesystem often shows as /dev/root; only the number tells which disk it is.
        machine.mount("259:1", "/dev/root", "/");
        assertEquals(List.of(new HostUse(HostUse.Kind.MOUNTED, "nvme0n1p1", "/")), detector.usesOf(NVME));
    }

    @Test
    void aMountIsAlsoFoundByItsSourceName() {
        machine.addBlockDevice("0000:00:04.0", "nvme/nvme0/nvme0n1", "259:0");
        // btrfs reports an anonymous device number; the source still names the disk.
        machine.mount("0:45", "/dev/nvme0n1", "/mnt/my\\040data");
        List<HostUse> uses = detector.usesOf(NVME);
        assertEquals(List.of(new HostUse(HostUse.Kind.MOUNTED, "nvme0n1", "/mnt/my data")), uses);
        assertEquals("block device nvme0n1 is mounted on /mnt/my data", uses.get(0).describe());
    }

    @Test
    void swapAndHoldersAreUsesToo() throws IOException {
        Path disk = machine.addBlockDevice("0000:00:04.0", "nvme/nvme0/nvme0n1", "259:0");
        machine.addBlockDevice("0000:00:04.0", "nvme/nvme0/nvme0n1/nvme0n1p2", "259:2");
        machine.swapOn("/dev/nvme0n1p2");
        Files.createDirectory(disk.resolve("holders/dm-0"));
        assertEquals(List.of(
                new HostUse(HostUse.Kind.HELD, "nvme0n1", "dm-0"),
                new HostUse(HostUse.Kind.SWAP, "nvme0n1p2", "swap")), detector.usesOf(NVME));
    }

    @Test
    void anInterfaceThatIsUpIsAUseAndOneThatIsDownIsNot() {
        machine.addInterface("0000:00:02.0", "net/eth0", "up", "0x1003");
        assertEquals(List.of(new HostUse(HostUse.Kind.INTERFACE_UP, "eth0", "operstate up")), detector.usesOf(E1000E));
    }

    @Test
    void anInterfaceIsUpByItsFlagsEvenWithoutCarrier() {
        machine.addInterface("0000:00:02.0", "net/eth0", "down", "0x1003");
        assertEquals(1, detector.usesOf(E1000E).size(), "IFF_UP set: configured up, cable out");
    }

    @Test
    void anInterfaceThatIsDownIsNoUse() {
        machine.addInterface("0000:00:02.0", "net/eth0", "down", "0x1002");
        assertEquals(List.of(), detector.usesOf(E1000E));
    }

    @Test
    void devicesBehindABridgeBelongToTheirOwnFunction() {
        machine.addBlockDevice("0000:01:00.0", "nvme/nvme1/nvme1n1", "259:8");
        machine.mount("259:8", "/dev/nvme1n1", "/srv");
        assertEquals(List.of(), detector.usesOf(PciAddress.parse("0000:00:1c.0")));
        assertEquals(1, detector.usesOf(PciAddress.parse("0000:01:00.0")).size());
    }

    @Test
    void anUnknownDeviceIsNamed() {
        NoSuchPciDeviceException e = assertThrows(NoSuchPciDeviceException.class,
                () -> detector.usesOf(PciAddress.parse("0000:00:09.0")));
        assertEquals(PciAddress.parse("0000:00:09.0"), e.address());
    }
}
