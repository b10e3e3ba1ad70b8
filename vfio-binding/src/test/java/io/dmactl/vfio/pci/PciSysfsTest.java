package io.dmactl.vfio.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PciSysfsTest {

    private static final PciAddress HOST_BRIDGE = PciAddress.parse("0000:00:00.0");
    private static final PciAddress E1000E = PciAddress.parse("0000:00:02.0");
    private static final PciAddress EDU = PciAddress.parse("0000:00:03.0");
    private static final PciAddress NVME = PciAddress.parse("0000:00:04.0");
    private static final PciAddress IVSHMEM = PciAddress.parse("0000:00:05.0");
    private static final PciAddress ROOT_PORT = PciAddress.parse("0000:00:1c.0");
    private static final PciAddress NVME_BEHIND_PORT = PciAddress.parse("0000:01:00.0");

    @TempDir
    Path root;

    private PciSysfs sysfs;

    @BeforeEach
    void buildQ35Fixture() {
        sysfs = new PciSysfs(SysfsFixture.build("q35-testbed", root));
    }

    @Test
    void listsEveryDeviceInAddressOrder() {
        assertEquals(List.of("0000:00:00.0", "0000:00:02.0", "0000:00:03.0", "0000:00:04.0", "0000:00:05.0",
                        "0000:00:1c.0", "0000:00:1f.0", "0000:00:1f.2", "0000:00:1f.3", "0000:01:00.0"),
                sysfs.devices().stream().map(device -> device.address().toString()).toList());
    }

    @Test
    void readsEduCompletely() {
        PciDevice edu = sysfs.require(EDU);
        assertEquals(EDU, edu.address());
        assertEquals(0x1234, edu.vendorId());
        assertEquals(0x11e8, edu.deviceId());
        assertEquals(0x00ff00, edu.classCode());
        assertEquals(0x10, edu.revision());
        assertEquals(0x1af4, edu.subsystemVendorId());
        assertEquals(0x1100, edu.subsystemDeviceId());
        assertEquals(Optional.empty(), edu.driver());
        assertEquals(Optional.empty(), edu.driverOverride());
        assertEquals(OptionalInt.of(2), edu.iommuGroup());
        assertEquals(OptionalInt.empty(), edu.numaNode(), "numa_node -1 means unknown");
        assertEquals("1234:11e8", edu.ids());
        assertEquals("Unclassified device", edu.className());
        assertEquals(1, edu.resources().size());
        PciResource bar0 = edu.bar(0).orElseThrow();
        assertEquals(0xfea00000L, bar0.startAddress());
        assertEquals(1L << 20, bar0.sizeBytes());
        assertTrue(bar0.isMemory());
        assertFalse(bar0.is64Bit() || bar0.isPrefetchable());
    }

    @Test
    void readsNvmeRegistersAndItsControllerMemoryBuffer() {
        PciDevice nvme = sysfs.require(NVME);
        assertEquals(Optional.of("nvme"), nvme.driver());
        assertEquals(OptionalInt.of(3), nvme.iommuGroup());
        assertEquals(0x01, nvme.baseClass());
        assertEquals(0x08, nvme.subclass());
        assertEquals(0x02, nvme.programmingInterface());
        assertEquals("Non-volatile memory controller", nvme.className());
        PciResource registers = nvme.bar(0).orElseThrow();
        assertEquals(16 * 1024, registers.sizeBytes());
        assertTrue(registers.is64Bit());
        assertFalse(registers.isPrefetchable());
        assertEquals(Optional.empty(), nvme.bar(1), "upper half of the 64-bit BAR0");
        PciResource cmb = nvme.bar(2).orElseThrow();
        assertEquals(0x800000000L, cmb.startAddress());
        assertEquals(64L << 20, cmb.sizeBytes());
        assertTrue(cmb.is64Bit() && cmb.isPrefetchable());
    }

    @Test
    void readsIvshmemAndTheUnboundHostBridge() {
        PciDevice ivshmem = sysfs.require(IVSHMEM);
        assertEquals("1af4:1110", ivshmem.ids());
        assertEquals("RAM memory", ivshmem.className());
        assertEquals(256, ivshmem.bar(0).orElseThrow().sizeBytes());
        assertEquals(4L << 20, ivshmem.bar(2).orElseThrow().sizeBytes());
        assertEquals(Optional.empty(), ivshmem.driver());

        PciDevice bridge = sysfs.require(HOST_BRIDGE);
        assertEquals("8086:29c0", bridge.ids());
        assertEquals("Host bridge", bridge.className());
        assertFalse(bridge.isBridge(), "a host bridge is an ordinary function for binding");
        assertEquals(List.of(), bridge.resources());
        assertEquals(Optional.empty(), bridge.driver());
    }

    @Test
    void readsTheE1000eWithItsIoBarAndRom() {
        PciDevice nic = sysfs.require(E1000E);
        assertEquals(Optional.of("e1000e"), nic.driver());
        assertTrue(nic.isBoundTo("e1000e"));
        assertFalse(nic.isBoundTo("vfio-pci"));
        assertEquals(0x8086, nic.subsystemVendorId());
        assertEquals(0x0000, nic.subsystemDeviceId());
        assertTrue(nic.bar(2).orElseThrow().isIo());
        PciResource rom = nic.resources().getLast();
        assertTrue(rom.isRom() && rom.isReadOnly());
    }

    @Test
    void readsADeviceBehindABridgeThroughItsBusLink() {
        PciDevice port = sysfs.require(ROOT_PORT);
        assertTrue(port.isBridge());
        assertEquals(Optional.of("pcieport"), port.driver());
        PciDevice nvme = sysfs.require(NVME_BEHIND_PORT);
        assertEquals(OptionalInt.of(5), nvme.iommuGroup());
        assertEquals(0xfe800000L, nvme.bar(0).orElseThrow().startAddress());
    }

    @Test
    void readsNumaNodeAndDriverOverrideWhenSet() throws IOException {
        Path edu = sysfs.devicePath(EDU);
        Files.writeString(edu.resolve("numa_node"), "1\n");
        Files.writeString(edu.resolve("driver_override"), "vfio-pci\n");
        PciDevice device = sysfs.require(EDU);
        assertEquals(OptionalInt.of(1), device.numaNode());
        assertEquals(Optional.of("vfio-pci"), device.driverOverride());
    }

    @Test
    void missingOptionalFilesReadAsEmpty() throws IOException {
        Path nvme = sysfs.devicePath(NVME);
        Files.delete(nvme.resolve("numa_node"));
        Files.delete(nvme.resolve("driver_override"));
        Files.delete(nvme.resolve("resource"));
        Files.delete(nvme.resolve("iommu_group"));
        Files.delete(nvme.resolve("driver"));
        PciDevice device = sysfs.require(NVME);
        assertEquals(OptionalInt.empty(), device.numaNode());
        assertEquals(Optional.empty(), device.driverOverride());
        assertEquals(List.of(), device.resources());
        assertEquals(OptionalInt.empty(), device.iommuGroup());
        assertEquals(Optional.empty(), device.driver());
        assertEquals(0x1b36, device.vendorId());
    }

    @Test
    void aMissingRequiredFileIsNamed() throws IOException {
        Path vendor = sysfs.devicePath(EDU).resolve("vendor");
        Files.delete(vendor);
        PciException e = assertThrows(PciException.class, () -> sysfs.require(EDU));
        assertTrue(e.getMessage().contains(vendor.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void malformedFilesAreNamedWithTheirText() throws IOException {
        Path vendor = sysfs.devicePath(EDU).resolve("vendor");
        Files.writeString(vendor, "0x12345\n");
        PciException tooWide = assertThrows(PciException.class, () -> sysfs.require(EDU));
        assertTrue(tooWide.getMessage().contains(vendor.toString()) && tooWide.getMessage().contains("'0x12345'"),
                tooWide.getMessage());

        Files.writeString(vendor, "0x1234\n");
        Path numa = sysfs.devicePath(EDU).resolve("numa_node");
        Files.writeString(numa, "near\n");
        PciException badNode = assertThrows(PciException.class, () -> sysfs.require(EDU));
        assertTrue(badNode.getMessage().contains(numa.toString()) && badNode.getMessage().contains("'near'"),
                badNode.getMessage());

        Files.writeString(numa, "-1\n");
        Path resource = sysfs.devicePath(EDU).resolve("resource");
        Files.writeString(resource, "0x00000000fea00000 0x00000000feafffff\n");
        PciException badResource = assertThrows(PciException.class, () -> sysfs.require(EDU));
        assertTrue(badResource.getMessage().contains(resource.toString())
                && badResource.getMessage().contains("line 1"), badResource.getMessage());
    }

    @Test
    void anUnknownDeviceIsReportedWithTheAddressAndThePathLookedAt() {
        PciAddress absent = PciAddress.parse("0000:00:09.0");
        assertEquals(Optional.empty(), sysfs.find(absent));
        NoSuchPciDeviceException e = assertThrows(NoSuchPciDeviceException.class, () -> sysfs.require(absent));
        assertEquals(absent, e.address());
        assertEquals(root.resolve("bus/pci/devices/0000:00:09.0"), e.lookedAt());
        assertTrue(e.getMessage().contains("0000:00:09.0")
                && e.getMessage().contains(root.resolve("bus/pci/devices/0000:00:09.0").toString()), e.getMessage());
    }

    @Test
    void findsDevicesById() {
        assertEquals(List.of(NVME, NVME_BEHIND_PORT),
                sysfs.findById(0x1b36, 0x0010).stream().map(PciDevice::address).toList());
        assertEquals(List.of(EDU), sysfs.findById(0x1234, 0x11e8).stream().map(PciDevice::address).toList());
        assertEquals(List.of(), sysfs.findById(0x8086, 0x0b25));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sysfs.findById(0x10000, 0));
        assertTrue(e.getMessage().contains("0x10000"), e.getMessage());
    }

    @Test
    void listsIommuGroupMembers() {
        assertEquals(List.of("0000:00:1f.0", "0000:00:1f.2", "0000:00:1f.3"),
                sysfs.iommuGroupMembers(6).stream().map(PciAddress::toString).toList());
        assertEquals(List.of(ROOT_PORT, NVME_BEHIND_PORT), sysfs.iommuGroupMembers(5));
        assertEquals(List.of(EDU), sysfs.iommuGroupMembers(2));
        PciException e = assertThrows(PciException.class, () -> sysfs.iommuGroupMembers(42));
        assertTrue(e.getMessage().contains("no IOMMU group 42")
                && e.getMessage().contains(root.resolve("kernel/iommu_groups/42/devices").toString()), e.getMessage());
    }

    @Test
    void namesTheHostBoundPeersThatBlockVfio() {
        List<PciDevice> blockers = sysfs.vfioBlockers(PciAddress.parse("0000:00:1f.3"));
        assertEquals(List.of("0000:00:1f.0 lpc_ich", "0000:00:1f.2 ahci"),
                blockers.stream().map(d -> d.address() + " " + d.driver().orElseThrow()).toList());
        assertEquals(List.of(), sysfs.vfioBlockers(NVME_BEHIND_PORT), "a pcieport bridge does not block");
        assertEquals(List.of(), sysfs.vfioBlockers(EDU), "alone in its group");
    }

    @Test
    void knowsTheIommuAndTheLoadedDrivers() throws IOException {
        assertTrue(sysfs.iommuPresent());
        assertTrue(sysfs.driverLoaded("vfio-pci"));
        assertFalse(sysfs.driverLoaded("uio_pci_generic"));
        assertThrows(IllegalArgumentException.class, () -> sysfs.driverLoaded("../vfio-pci"));
        Files.delete(root.resolve("class/iommu/dmar0"));
        assertFalse(sysfs.iommuPresent());
    }

    @Test
    void saysWhenThereIsNoPciBusAtAll(@TempDir Path empty) {
        PciException e = assertThrows(PciException.class, () -> new PciSysfs(empty).devices());
        assertTrue(e.getMessage().contains(empty.resolve("bus/pci/devices").toString()), e.getMessage());
    }

    @Test
    void readsTheDevelopmentVmWithoutAnIommu(@TempDir Path vmRoot) {
        PciSysfs vm = new PciSysfs(SysfsFixture.build("firecracker-vm", vmRoot));
        List<PciDevice> devices = vm.devices();
        assertEquals(6, devices.size());
        assertFalse(vm.iommuPresent());
        assertTrue(devices.stream().allMatch(device -> device.iommuGroup().isEmpty()));
        assertEquals(5, devices.stream().filter(device -> device.isBoundTo("virtio-pci")).count());
        PciDevice net = vm.require(PciAddress.parse("00:03.0"));
        assertEquals("1af4:1041", net.ids());
        assertEquals("Ethernet controller", net.className());
        assertEquals(512 * 1024, net.bar(0).orElseThrow().sizeBytes());
        assertTrue(net.bar(0).orElseThrow().is64Bit());
    }
}
