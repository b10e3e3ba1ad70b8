package io.dmactl.testbed;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves the testbed harness itself: inside the guest, the IOMMU is on with the features VFIO
 * needs, and each test device is present, bound to vfio-pci, alone in its IOMMU group and
 * reachable through /dev/vfio. Also leaves a marker in the ivshmem BAR that
 * {@link IvshmemBackingFileAfterGuestTest} finds in the host's backing file after the guest exits.
 */
@Tag("testbed")
final class GuestEnvironmentTest {

    /** The devices testbed-run attaches, by PCI ids (QEMU's edu, ivshmem and NVMe models). */
    enum TestDevice {
        EDU(0x1234, 0x11e8),
        IVSHMEM(0x1af4, 0x1110),
        NVME(0x1b36, 0x0010);

        final int vendorId;
        final int deviceId;

        TestDevice(int vendorId, int deviceId) {
            this.vendorId = vendorId;
            this.deviceId = deviceId;
        }

        SysfsPciFunction onlyFunction() {
            List<SysfsPciFunction> functions = SysfsPciFunction.withIds(vendorId, deviceId);
            assertEquals(1, functions.size(), () -> String.format(
                    "expected exactly one %s (%04x:%04x) in the guest, found %s", this, vendorId, deviceId, functions));
            return functions.getFirst();
        }
    }

    // VT-d capability bits (Intel VT-d specification, Capability and Extended Capability registers).
    private static final long CAP_CACHING_MODE = 1L << 7;
    private static final long ECAP_INTERRUPT_REMAPPING = 1L << 3;
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int NVME_CMB_BAR = 2;
    private static final long NVME_CMB_BYTES = 16L << 20; // testbed-run: cmb_size_mb=16
    private static final int IVSHMEM_SHARED_MEMORY_BAR = 2;
    private static final long IVSHMEM_MARKER_OFFSET = 0x2000;

    @ParameterizedTest
    @EnumSource(TestDevice.class)
    void deviceIsBoundToVfioPciAtTheAddressTheHarnessReports(TestDevice device) throws IOException {
        SysfsPciFunction function = device.onlyFunction();
        assertEquals("vfio-pci", function.driver().orElse("(none)"), function + " driver");
        assertEquals(function.address(), TestbedEnvironment.environment("DMACTL_TESTBED_" + device + "_PCI"),
                "testbed-run's DMACTL_TESTBED_" + device + "_PCI");
    }

    @ParameterizedTest
    @EnumSource(TestDevice.class)
    void deviceIsAloneInItsIommuGroupWithAVfioGroupNode(TestDevice device) throws IOException {
        SysfsPciFunction function = device.onlyFunction();
        int group = function.iommuGroup().orElseThrow(
                () -> new AssertionError(function + " has no IOMMU group: is intel-iommu on?"));
        try (Stream<Path> members = Files.list(Path.of("/sys/kernel/iommu_groups/" + group + "/devices"))) {
            // A group that holds any other device is not viable for VFIO unless that one is bound too.
            assertEquals(List.of(function.address()),
                    members.map(member -> member.getFileName().toString()).sorted().toList(),
                    "members of IOMMU group " + group);
        }
        assertCharacterDevice(Path.of("/dev/vfio/" + group));
        assertEquals(Integer.toString(group), TestbedEnvironment.environment("DMACTL_TESTBED_" + device + "_GROUP"));
        String domainType = Files.readString(Path.of("/sys/kernel/iommu_groups/" + group + "/type")).trim();
        assertTrue(domainType.startsWith("DMA"), "group " + group + " default domain is '" + domainType
                + "', expected a translated one (DMA or DMA-FQ), not identity");
    }

    @Test
    void vfioContainerNodeExists() throws IOException {
        assertCharacterDevice(Path.of("/dev/vfio/vfio"));
    }

    @Test
    void intelIommuIsActiveWithInterruptRemappingAndCachingMode() throws IOException {
        List<Path> units;
        try (Stream<Path> iommus = Files.list(Path.of("/sys/class/iommu"))) {
            units = iommus.filter(unit -> unit.getFileName().toString().startsWith("dmar")).toList();
        }
        assertFalse(units.isEmpty(), "no Intel IOMMU (dmar*) in /sys/class/iommu");
        for (Path unit : units) {
            long capability = Long.parseUnsignedLong(Files.readString(unit.resolve("intel-iommu/cap")).trim(), 16);
            long extendedCapability =
                    Long.parseUnsignedLong(Files.readString(unit.resolve("intel-iommu/ecap")).trim(), 16);
            assertAll(unit.toString(),
                    // caching-mode=on: VFIO mappings reach QEMU's shadow page tables only with it.
                    () -> assertTrue((capability & CAP_CACHING_MODE) != 0,
                            "CAP.CM clear (cap=" + Long.toHexString(capability) + ")"),
                    // intremap=on: without it VFIO refuses to attach a group (EPERM).
                    () -> assertTrue((extendedCapability & ECAP_INTERRUPT_REMAPPING) != 0,
                            "ECAP.IR clear (ecap=" + Long.toHexString(extendedCapability) + ")"));
        }
    }

    @Test
    void nvmeControllerExposesItsControllerMemoryBuffer() throws IOException {
        assertEquals(NVME_CMB_BYTES, TestDevice.NVME.onlyFunction().barSizeBytes(NVME_CMB_BAR),
                "NVMe BAR" + NVME_CMB_BAR + " (the CMB) size in bytes");
    }

    @Test
    void ivshmemBarIsAsLargeAsTheHostBackingFile() throws IOException {
        long backingFileBytes = Long.parseLong(TestbedEnvironment.environment("DMACTL_TESTBED_IVSHMEM_BYTES"));
        assertEquals(backingFileBytes, TestDevice.IVSHMEM.onlyFunction().barSizeBytes(IVSHMEM_SHARED_MEMORY_BAR),
                "ivshmem BAR" + IVSHMEM_SHARED_MEMORY_BAR + " size in bytes");
    }

    @Test
    void nativeAccessIsEnabledForTheTests() {
        // The project's FFM code runs in the unnamed module; without the flag every downcall warns
        // now and fails in later JDKs.
        assertTrue(GuestEnvironmentTest.class.getModule().isNativeAccessEnabled(),
                "the guest JVM lacks --enable-native-access=ALL-UNNAMED");
    }

    /** Writes a fresh marker into ivshmem's shared memory and tells the host where to look. */
    @Test
    void ivshmemMarkerIsWrittenForTheHostToFind() throws IOException {
        Path handoffDirectory = TestbedEnvironment.handoffDirectory();
        byte[] marker = ("dmactl-testbed ivshmem marker " + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII);
        Path bar = TestDevice.IVSHMEM.onlyFunction().barResourceFile(IVSHMEM_SHARED_MEMORY_BAR);
        try (Arena arena = Arena.ofConfined();
             FileChannel channel = FileChannel.open(bar, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment sharedMemory = channel.map(FileChannel.MapMode.READ_WRITE, 0,
                    IVSHMEM_MARKER_OFFSET + marker.length, arena);
            MemorySegment.copy(marker, 0, sharedMemory, ValueLayout.JAVA_BYTE, IVSHMEM_MARKER_OFFSET, marker.length);
            assertArrayEquals(marker, sharedMemory.asSlice(IVSHMEM_MARKER_OFFSET, marker.length)
                    .toArray(ValueLayout.JAVA_BYTE), "marker read back through the BAR mapping");
        }
        Properties handoff = new Properties();
        handoff.setProperty("offset", Long.toString(IVSHMEM_MARKER_OFFSET));
        handoff.setProperty("marker", new String(marker, StandardCharsets.US_ASCII));
        Files.createDirectories(handoffDirectory);
        try (var out = Files.newBufferedWriter(handoffDirectory.resolve(IvshmemBackingFileAfterGuestTest.HANDOFF_FILE))) {
            handoff.store(out, "written in the guest by " + GuestEnvironmentTest.class.getName());
        }
    }

    private static void assertCharacterDevice(Path node) throws IOException {
        assertTrue(Files.exists(node), node + " does not exist");
        int mode = (Integer) Files.getAttribute(node, "unix:mode");
        assertEquals(S_IFCHR, mode & S_IFMT, node + " is not a character device (mode " + Integer.toOctalString(mode) + ")");
    }


}
