package io.dmactl.core.device;

import io.dmactl.core.memory.IommuDomain;
import io.dmactl.vfio.Pagemap;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciSysfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UioDeviceSourceTest {
    @TempDir
    Path dir;

    private static PciDevice edu(String driver) {
        return new PciDevice(PciAddress.parse("0000:00:02.0"), 0x1234, 0x11e8, 0xff0000, 0x10, 0x1af4, 0x1100,
            Optional.of(driver), Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), List.of());
    }

    private UioDeviceSource source(boolean optIn, String uid) throws IOException {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n");
        return new UioDeviceSource(new PciSysfs(dir.resolve("sys")), optIn, new Pagemap(dir.resolve("pagemap")), status);
    }

    @Test
    void withoutTheOptInAUioDeviceIsNeverOpenedAndTheMessageSaysWhyAndHow() throws IOException {
        try (UioDeviceSource source = source(false, "0")) {
            List<String> diagnostics = new ArrayList<>();
            assertTrue(source.attach(List.of(edu("uio_pci_generic")), diagnostics).isEmpty());
            assertEquals(1, diagnostics.size());
            assertTrue(diagnostics.get(0).contains("0000:00:02.0") && diagnostics.get(0).contains("write anywhere in memory")
                && diagnostics.get(0).contains("--no-iommu"), diagnostics.get(0));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> source.open(edu("uio_pci_generic")));
            assertTrue(e.getMessage().contains("write anywhere in memory"), e.getMessage());
        }
    }

    @Test
    void withTheOptInRootIsCheckedBeforeAnythingIsOpened() throws IOException {
        try (UioDeviceSource source = source(true, "1000")) {
            List<String> diagnostics = new ArrayList<>();
            assertTrue(source.attach(List.of(edu("uio_pci_generic")), diagnostics).isEmpty());
            assertTrue(diagnostics.get(0).contains("not root (effective uid 1000)"), diagnostics.get(0));
            assertThrows(IllegalStateException.class, () -> source.open(edu("uio_pci_generic")), "never attached");
        }
    }

    @Test
    void withTheOptInAsRootTheDomainIsPhysicalAndOnlyUioFunctionsOpen() throws IOException {
        try (UioDeviceSource source = source(true, "0")) {
            List<String> diagnostics = new ArrayList<>();
            IommuDomain domain = source.attach(List.of(edu("uio_pci_generic")), diagnostics).orElseThrow();
            assertTrue(domain.physical());
            assertEquals(List.of(), diagnostics);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> source.open(edu("vfio-pci")));
            assertTrue(e.getMessage().contains("not uio_pci_generic"), e.getMessage());
            assertEquals(List.of(), source.devices(), "no PCI bus in this sysfs");
        }
    }

    @Test
    void rootIsReadFromTheEffectiveUid(@TempDir Path d) throws IOException {
        Path status = d.resolve("status");
        Files.writeString(status, "Uid:\t1000\t0\t0\t0\n");
        assertNull(UioDeviceSource.notRootReason(status), "effective uid 0 (setuid) is root");
        Files.writeString(status, "Uid:\t0\t1000\t0\t0\n");
        assertTrue(UioDeviceSource.notRootReason(status).contains("1000"));
        assertTrue(UioDeviceSource.notRootReason(d.resolve("absent")).contains("cannot read"));
    }
}
