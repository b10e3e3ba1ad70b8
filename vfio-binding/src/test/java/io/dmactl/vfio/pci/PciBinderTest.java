package io.dmactl.vfio.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PciBinderTest {

    private static final PciAddress EDU = PciAddress.parse("0000:00:03.0");
    private static final PciAddress NVME = PciAddress.parse("0000:00:04.0");
    private static final PciAddress E1000E = PciAddress.parse("0000:00:02.0");
    private static final PciAddress ROOT_PORT = PciAddress.parse("0000:00:1c.0");
    private static final PciAddress NVME_BEHIND_PORT = PciAddress.parse("0000:01:00.0");
    private static final PciAddress SMBUS = PciAddress.parse("0000:00:1f.3");

    @TempDir
    Path root;

    private PciSysfs sysfs;
    private FakeKernel kernel;
    private PciBinder binder;

    @BeforeEach
    void buildQ35Fixture() {
        useFixture("q35-testbed");
    }

    private void useFixture(String name) {
        sysfs = new PciSysfs(SysfsFixture.build(name, root));
        kernel = new FakeKernel(sysfs);
        binder = new PciBinder(sysfs, kernel);
    }

    @Test
    void bindsAnUnboundDeviceWithOverrideThenProbe() {
        BindResult result = binder.bind(EDU, UserspaceDriver.VFIO_PCI);

        assertEquals(List.of(
                "bus/pci/devices/0000:00:03.0/driver_override=vfio-pci",
                "bus/pci/drivers_probe=0000:00:03.0"), kernel.writes());
        assertEquals(new BindResult(EDU, UserspaceDriver.VFIO_PCI, Optional.empty(), Optional.empty(), true), result);
        assertEquals(Optional.of("vfio-pci"), sysfs.require(EDU).driver());
    }

    @Test
    void bindsADeviceHeldByAHostDriverAndRestoresIt() {
        BindResult result = binder.bind(NVME, UserspaceDriver.VFIO_PCI);

        assertEquals(List.of(
                "bus/pci/devices/0000:00:04.0/driver_override=vfio-pci",
                "bus/pci/drivers/nvme/unbind=0000:00:04.0",
                "bus/pci/drivers_probe=0000:00:04.0"), kernel.writes());
        assertEquals(Optional.of("nvme"), result.previousDriver());
        assertTrue(sysfs.require(NVME).isBoundTo("vfio-pci"));

        PciDevice restored = binder.restore(result);

        assertEquals(List.of(
                "bus/pci/devices/0000:00:04.0/driver_override=\n",
                "bus/pci/drivers/vfio-pci/unbind=0000:00:04.0",
                "bus/pci/drivers_probe=0000:00:04.0"), kernel.writes().subList(3, kernel.writes().size()));
        assertEquals(Optional.of("nvme"), restored.driver());
        assertEquals(Optional.empty(), restored.driverOverride());
    }

    @Test
    void restorePutsBackAnEarlierDriverOverride() throws IOException {
        Files.writeString(sysfs.devicePath(E1000E).resolve("driver_override"), "e1000e\n");
        BindResult result = binder.bind(E1000E, UserspaceDriver.VFIO_PCI);
        assertEquals(Optional.of("e1000e"), result.previousDriverOverride());

        PciDevice restored = binder.restore(result);

        assertEquals("bus/pci/devices/0000:00:02.0/driver_override=e1000e", kernel.writes().get(3));
        assertEquals(Optional.of("e1000e"), restored.driverOverride());
        assertEquals(Optional.of("e1000e"), restored.driver());
    }

    @Test
    void aDeviceAlreadyBoundIsLeftAlone() {
        binder.bind(EDU, UserspaceDriver.VFIO_PCI);
        int writesAfterFirstBind = kernel.writes().size();

        BindResult again = binder.bind(EDU, UserspaceDriver.VFIO_PCI);

        assertFalse(again.changed());
        assertEquals(writesAfterFirstBind, kernel.writes().size());
        binder.restore(again);
        assertEquals(writesAfterFirstBind, kernel.writes().size(), "restoring an unchanged bind writes nothing");
        assertTrue(sysfs.require(EDU).isBoundTo("vfio-pci"));
    }

    @Test
    void refusesAGroupSharedWithHostDriversNamingThemAndWritingNothing() throws IOException {
        String sysfsBefore = snapshot();

        PciBindRefusedException e = assertThrows(PciBindRefusedException.class,
                () -> binder.bind(SMBUS, UserspaceDriver.VFIO_PCI));

        assertEquals(PciBindRefusedException.Reason.GROUP_NOT_VIABLE, e.reason());
        assertTrue(e.getMessage().contains("IOMMU group 6")
                && e.getMessage().contains("0000:00:1f.0 (lpc_ich)")
                && e.getMessage().contains("0000:00:1f.2 (ahci)"), e.getMessage());
        assertFalse(e.getMessage().contains("1f.3 (i801_smbus)"), "the device itself is not in the way");
        assertEquals(List.of(PciAddress.parse("0000:00:1f.0"), PciAddress.parse("0000:00:1f.2")),
                e.blockingDevices().stream().map(PciDevice::address).toList());
        assertEquals(List.of(), kernel.writes());
        assertEquals(sysfsBefore, snapshot());
    }

    @Test
    void aPcieportBridgeInTheGroupIsAcceptable() {
        binder.bind(NVME_BEHIND_PORT, UserspaceDriver.VFIO_PCI);
        assertTrue(sysfs.require(NVME_BEHIND_PORT).isBoundTo("vfio-pci"));
        assertTrue(sysfs.require(ROOT_PORT).isBoundTo("pcieport"));
    }

    @Test
    void groupPeersOnVfioOrUnboundDoNotBlock() throws IOException {
        Path lpc = sysfs.devicePath(PciAddress.parse("0000:00:1f.0"));
        Files.delete(lpc.resolve("driver"));
        Files.createSymbolicLink(lpc.resolve("driver"), Path.of("../../../bus/pci/drivers/vfio-pci"));
        Files.delete(sysfs.devicePath(PciAddress.parse("0000:00:1f.2")).resolve("driver"));

        binder.bind(SMBUS, UserspaceDriver.VFIO_PCI);

        assertTrue(sysfs.require(SMBUS).isBoundTo("vfio-pci"));
    }

    @Test
    void aBridgeOnADriverOtherThanPcieportBlocks() throws IOException {
        Path port = sysfs.devicePath(ROOT_PORT);
        Files.delete(port.resolve("driver"));
        Files.createSymbolicLink(port.resolve("driver"), Path.of("../../../bus/pci/drivers/shpchp"));

        PciBindRefusedException e = assertThrows(PciBindRefusedException.class,
                () -> binder.bind(NVME_BEHIND_PORT, UserspaceDriver.VFIO_PCI));

        assertTrue(e.getMessage().contains("0000:00:1c.0 (shpchp)"), e.getMessage());
        assertEquals(List.of(), kernel.writes());
    }

    @Test
    void refusesABridge() {
        PciBindRefusedException e = assertThrows(PciBindRefusedException.class,
                () -> binder.bind(ROOT_PORT, UserspaceDriver.VFIO_PCI));
        assertEquals(PciBindRefusedException.Reason.BRIDGE, e.reason());
        assertTrue(e.getMessage().contains("0000:00:1c.0") && e.getMessage().contains("0x060400"), e.getMessage());
        assertEquals(List.of(), kernel.writes());
    }

    @Test
    void saysWhichModuleToLoadWhenVfioPciIsMissing() throws IOException {
        deleteTree(root.resolve("bus/pci/drivers/vfio-pci"));

        PciBindRefusedException e = assertThrows(PciBindRefusedException.class,
                () -> binder.bind(NVME, UserspaceDriver.VFIO_PCI));

        assertEquals(PciBindRefusedException.Reason.DRIVER_NOT_LOADED, e.reason());
        assertTrue(e.getMessage().contains("modprobe vfio-pci")
                && e.getMessage().contains(root.resolve("bus/pci/drivers/vfio-pci").toString()), e.getMessage());
        assertEquals(List.of(), kernel.writes());
        assertTrue(sysfs.require(NVME).isBoundTo("nvme"));
    }

    @Test
    void refusesVfioWithoutAnIommuAndPointsAtUio(@TempDir Path vmRoot) {
        root = vmRoot;
        useFixture("firecracker-vm");
        PciAddress net = PciAddress.parse("0000:00:03.0");

        PciBindRefusedException e = assertThrows(PciBindRefusedException.class,
                () -> binder.bind(net, UserspaceDriver.VFIO_PCI, IommuPolicy.ALLOW_NO_IOMMU));

        assertEquals(PciBindRefusedException.Reason.NO_IOMMU_GROUP, e.reason());
        assertTrue(e.getMessage().contains("no IOMMU group") && e.getMessage().contains("uio_pci_generic")
                && e.getMessage().contains("explicit opt-in"), e.getMessage());
        assertEquals(List.of(), kernel.writes());
    }

    @Test
    void uioNeedsAnExplicitOptIn() {
        PciBindRefusedException e = assertThrows(PciBindRefusedException.class,
                () -> binder.bind(EDU, UserspaceDriver.UIO_PCI_GENERIC));
        assertEquals(PciBindRefusedException.Reason.NO_IOMMU_NOT_ACCEPTED, e.reason());
        assertTrue(e.getMessage().contains("explicit opt-in") && e.getMessage().contains("prefer vfio-pci"),
                e.getMessage());
        assertEquals(List.of(), kernel.writes());
    }

    @Test
    void bindsUioWithTheOptInOnceTheModuleIsLoaded(@TempDir Path vmRoot) throws IOException {
        root = vmRoot;
        useFixture("firecracker-vm");
        PciAddress net = PciAddress.parse("0000:00:03.0");

        PciBindRefusedException notLoaded = assertThrows(PciBindRefusedException.class,
                () -> binder.bind(net, UserspaceDriver.UIO_PCI_GENERIC, IommuPolicy.ALLOW_NO_IOMMU));
        assertTrue(notLoaded.getMessage().contains("modprobe uio_pci_generic"), notLoaded.getMessage());

        Path uio = Files.createDirectories(root.resolve("bus/pci/drivers/uio_pci_generic"));
        Files.createFile(uio.resolve("bind"));
        Files.createFile(uio.resolve("unbind"));
        BindResult result = binder.bind(net, UserspaceDriver.UIO_PCI_GENERIC, IommuPolicy.ALLOW_NO_IOMMU);

        assertEquals(List.of(
                "bus/pci/devices/0000:00:03.0/driver_override=uio_pci_generic",
                "bus/pci/drivers/virtio-pci/unbind=0000:00:03.0",
                "bus/pci/drivers_probe=0000:00:03.0"), kernel.writes());
        assertEquals(Optional.of("virtio-pci"), result.previousDriver());
        assertTrue(sysfs.require(net).isBoundTo("uio_pci_generic"));
    }

    @Test
    void permissionDeniedSaysRootIsNeededAndWhichFile() throws IOException {
        kernel.denyAllWrites();
        String sysfsBefore = snapshot();

        PciPermissionException e = assertThrows(PciPermissionException.class,
                () -> binder.bind(NVME, UserspaceDriver.VFIO_PCI));

        Path override = sysfs.devicePath(NVME).resolve("driver_override");
        assertEquals(override, e.file());
        assertTrue(e.getMessage().contains("root") && e.getMessage().contains(override.toString()), e.getMessage());
        assertEquals(sysfsBefore, snapshot());
    }

    @Test
    void operationNotPermittedIsAlsoAPermissionProblem() {
        // EPERM (e.g. root in a container without CAP_SYS_ADMIN) is not an AccessDeniedException in Java.
        PciBinder unprivileged = new PciBinder(sysfs, (attribute, value) -> {
            throw new FileSystemException(attribute.toString(), null, "Operation not permitted");
        });

        PciPermissionException e = assertThrows(PciPermissionException.class,
                () -> unprivileged.unbind(NVME));

        assertEquals(root.resolve("bus/pci/drivers/nvme/unbind"), e.file());
        assertTrue(e.getMessage().contains("needs root"), e.getMessage());
        assertTrue(sysfs.require(NVME).isBoundTo("nvme"));
    }

    @Test
    void anUnknownDeviceIsRefusedBeforeAnyWrite() {
        NoSuchPciDeviceException e = assertThrows(NoSuchPciDeviceException.class,
                () -> binder.bind(PciAddress.parse("0000:00:07.0"), UserspaceDriver.VFIO_PCI));
        assertTrue(e.getMessage().contains("0000:00:07.0"), e.getMessage());
        assertEquals(List.of(), kernel.writes());
    }

    @Test
    void aProbeThatDoesNotBindRollsBackToTheOldDriver() {
        kernel.failProbeOf("vfio-pci");

        PciBindFailedException e = assertThrows(PciBindFailedException.class,
                () -> binder.bind(NVME, UserspaceDriver.VFIO_PCI));

        assertTrue(e.getMessage().contains("did not bind 0000:00:04.0 to vfio-pci")
                && e.getMessage().contains("rolled back") && e.getMessage().contains("bound to nvme again"),
                e.getMessage());
        assertEquals(List.of(
                "bus/pci/devices/0000:00:04.0/driver_override=vfio-pci",
                "bus/pci/drivers/nvme/unbind=0000:00:04.0",
                "bus/pci/drivers_probe=0000:00:04.0",
                "bus/pci/devices/0000:00:04.0/driver_override=\n",
                "bus/pci/drivers_probe=0000:00:04.0"), kernel.writes());
        PciDevice after = sysfs.require(NVME);
        assertEquals(Optional.of("nvme"), after.driver());
        assertEquals(Optional.empty(), after.driverOverride());
    }

    @Test
    void aWriteFailingMidwayRollsBackAndKeepsTheCause() {
        kernel.failWritesTo(root.resolve("bus/pci/drivers/nvme/unbind"));

        PciBindFailedException e = assertThrows(PciBindFailedException.class,
                () -> binder.bind(NVME, UserspaceDriver.VFIO_PCI));

        assertTrue(e.getMessage().contains("bus/pci/drivers/nvme/unbind") && e.getMessage().contains("rolled back"),
                e.getMessage());
        assertInstanceOf(PciException.class, e.getCause());
        assertEquals(Optional.empty(), sysfs.require(NVME).driverOverride());
        assertTrue(sysfs.require(NVME).isBoundTo("nvme"));
    }

    @Test
    void unbindDetachesAndReportsTheOldDriver() {
        assertEquals(Optional.of("nvme"), binder.unbind(NVME));
        assertEquals(List.of("bus/pci/drivers/nvme/unbind=0000:00:04.0"), kernel.writes());
        assertEquals(Optional.empty(), sysfs.require(NVME).driver());
        assertEquals(Optional.empty(), binder.unbind(NVME));
        assertEquals(1, kernel.writes().size(), "unbinding an unbound device writes nothing");
    }

    @Test
    void releaseToHostReturnsAVfioDeviceToItsOwnDriver() {
        binder.bind(NVME, UserspaceDriver.VFIO_PCI);
        PciBinder laterProcess = new PciBinder(sysfs, kernel);

        PciDevice released = laterProcess.releaseToHost(NVME);

        assertEquals(List.of(
                "bus/pci/devices/0000:00:04.0/driver_override=\n",
                "bus/pci/drivers/vfio-pci/unbind=0000:00:04.0",
                "bus/pci/drivers_probe=0000:00:04.0"), kernel.writes().subList(3, kernel.writes().size()));
        assertEquals(Optional.of("nvme"), released.driver());
    }

    @Test
    void releaseToHostLeavesAHostBoundDeviceBound() {
        PciDevice released = binder.releaseToHost(E1000E);
        assertEquals(List.of(), kernel.writes());
        assertEquals(Optional.of("e1000e"), released.driver());
    }

    @Test
    void theDirectWriterReplacesContentAndNeverCreatesFiles(@TempDir Path scratch) throws IOException {
        Path attribute = Files.writeString(scratch.resolve("driver_override"), "(null)\n");
        SysfsWriter.direct().write(attribute, "vfio-pci");
        assertEquals("vfio-pci", Files.readString(attribute));
        assertThrows(NoSuchFileException.class, () -> SysfsWriter.direct().write(scratch.resolve("unbind"), "x"));
        assertFalse(Files.exists(scratch.resolve("unbind")));
    }

    @Test
    void driverNamesParseStrictly() {
        assertEquals(UserspaceDriver.VFIO_PCI, UserspaceDriver.fromSysfsName("vfio-pci"));
        assertEquals(UserspaceDriver.UIO_PCI_GENERIC, UserspaceDriver.fromSysfsName("uio_pci_generic"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UserspaceDriver.fromSysfsName("vfio_pci"));
        assertTrue(e.getMessage().contains("'vfio_pci'") && e.getMessage().contains("vfio-pci, uio_pci_generic"),
                e.getMessage());
    }

    /** Every path in the tree with its file content or link target, to show nothing changed. */
    private String snapshot() throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted().toList()) {
                text.append(root.relativize(path));
                if (Files.isSymbolicLink(path)) {
                    text.append(" -> ").append(Files.readSymbolicLink(path));
                } else if (Files.isRegularFile(path)) {
                    text.append(" = ").append(Files.readString(path));
                }
                text.append('\n');
            }
        }
        return text.toString();
    }

    private static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
