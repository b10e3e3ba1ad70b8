package io.dmactl.cli.command;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.host.VfioInspector;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BindCommandTest {

    private static final VfioInspector NO_VFIO = device -> {
        throw new AssertionError("bind never opens VFIO");
    };

    @TempDir
    Path temporary;

    private FixtureMachine machine;
    private HostSystem host;

    @BeforeEach
    void setUp() {
        machine = FixtureMachine.q35(temporary);
        host = machine.host(List.of(), NO_VFIO);
    }

    @Test
    void bindsAnIdleDeviceToVfioPciAndRecordsWhatItHad() {
        CliRun run = CliRun.of(host, "bind", "0000:00:03.0");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertEquals("""
                0000:00:03.0 is now bound to vfio-pci (was without a driver); VFIO group /dev/vfio/2.
                'dmactl unbind 0000:00:03.0' gives it back.
                """, run.out());
        assertEquals("", run.err());
        assertEquals(List.of(
                "bus/pci/devices/0000:00:03.0/driver_override=vfio-pci",
                "bus/pci/drivers_probe=0000:00:03.0"), machine.kernel().writes());
        assertEquals(Optional.of("vfio-pci"), device("0000:00:03.0").driver());
        assertTrue(Files.exists(machine.stateDirectory().resolve("bindings/0000:00:03.0.properties")));
    }

    @Test
    void bindingTwiceChangesNothingTheSecondTime() {
        assertEquals(ExitCodes.OK, CliRun.of(host, "bind", "00:03.0").exitCode());
        int writes = machine.kernel().writes().size();
        CliRun again = CliRun.of(host, "bind", "00:03.0");
        assertEquals(ExitCodes.OK, again.exitCode());
        assertEquals("0000:00:03.0 is already bound to vfio-pci; nothing changed.\n", again.out());
        assertEquals(writes, machine.kernel().writes().size());
    }

    @Test
    void refusesANicThatIsUpNamingTheInterfaceAndTouchesNothing() {
        machine.addInterface("0000:00:02.0", "net/eth0", "up", "0x1003");
        CliRun run = CliRun.of(host, "bind", "0000:00:02.0");
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().length, run::toString);
        assertTrue(run.err().startsWith("dmactl bind: refusing to take 0000:00:02.0 from e1000e: the host is using it:"
                + " network interface eth0 is up (operstate up)."), run.err());
        assertTrue(run.err().contains("--force"), run.err());
        assertNothingTouched("0000:00:02.0", "e1000e");
    }

    @Test
    void refusesADiskWithAMountedFilesystem() {
        machine.addBlockDevice("0000:00:04.0", "nvme/nvme0/nvme0n1", "259:0");
        machine.addBlockDevice("0000:00:04.0", "nvme/nvme0/nvme0n1/nvme0n1p1", "259:1");
        machine.mount("259:1", "/dev/nvme0n1p1", "/data");
        CliRun run = CliRun.of(host, "bind", "0000:00:04.0");
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run::toString);
        assertTrue(run.err().contains("block device nvme0n1p1 is mounted on /data"), run.err());
        assertNothingTouched("0000:00:04.0", "nvme");
    }

    @Test
    void forceTakesTheDeviceAnywaySayingWhatTheHostLoses() {
        machine.addInterface("0000:00:02.0", "net/eth0", "up", "0x1003");
        CliRun run = CliRun.of(host, "bind", "0000:00:02.0", "--force", "--json");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertEquals("dmactl bind: warning: --force: taking 0000:00:02.0 although network interface eth0 is up"
                + " (operstate up)\n", run.err());
        assertEquals(List.of(
                "bus/pci/devices/0000:00:02.0/driver_override=vfio-pci",
                "bus/pci/drivers/e1000e/unbind=0000:00:02.0",
                "bus/pci/drivers_probe=0000:00:02.0"), machine.kernel().writes());
        JsonObject report = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals("vfio-pci", report.get("driver").getAsString());
        assertEquals("e1000e", report.get("previousDriver").getAsString());
        assertTrue(report.get("changed").getAsBoolean());
        assertEquals("/dev/vfio/1", report.get("vfioGroupDevice").getAsString());
        assertEquals(1, report.getAsJsonArray("hostUsesOverridden").size());
    }

    @Test
    void refusesADeviceWhoseGroupHoldsHostDrivers() {
        CliRun run = CliRun.of(host, "bind", "0000:00:1f.2");
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run::toString);
        assertTrue(run.err().contains("its IOMMU group 6 also holds devices bound to host drivers:"
                + " 0000:00:1f.0 (lpc_ich), 0000:00:1f.3 (i801_smbus)"), run.err());
        assertNothingTouched("0000:00:1f.2", "ahci");
    }

    @Test
    void refusesABridge() {
        CliRun run = CliRun.of(host, "bind", "0000:00:1c.0");
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run::toString);
        assertTrue(run.err().contains("bridges stay with the kernel"), run.err());
        assertNothingTouched("0000:00:1c.0", "pcieport");
    }

    @Test
    void uioNeedsTheExplicitNoIommuOptIn() {
        CliRun run = CliRun.of(host, "bind", "0000:00:03.0", "--driver", "uio_pci_generic");
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().length);
        assertTrue(run.err().contains("without --no-iommu") && run.err().contains("Pass --no-iommu"), run.err());
        assertNothingTouched("0000:00:03.0", null);
    }

    @Test
    void uioWithTheOptInStillNeedsItsModuleLoaded() {
        CliRun run = CliRun.of(host, "bind", "0000:00:03.0", "-d", "uio-pci-generic", "--no-iommu");
        assertEquals(ExitCodes.UNAVAILABLE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("modprobe uio_pci_generic"), run.err());
        assertNothingTouched("0000:00:03.0", null);
    }

    @Test
    void noIommuWithVfioPciIsAUsageError() {
        CliRun run = CliRun.of(host, "bind", "0000:00:03.0", "--no-iommu");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("dmactl bind: --no-iommu is only for --driver uio_pci_generic; vfio-pci always keeps DMA behind"
                + " the IOMMU\n", run.err());
        assertNothingTouched("0000:00:03.0", null);
    }

    @Test
    void anUnknownDriverIsAUsageErrorListingTheChoices() {
        CliRun run = CliRun.of(host, "bind", "0000:00:03.0", "--driver", "nouveau");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("unknown driver 'nouveau': expected vfio-pci"), run.err());
    }

    @Test
    void anUnknownDeviceIsExit3() {
        CliRun run = CliRun.of(host, "bind", "0000:00:09.0");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode());
        assertEquals(1, run.errLines().length);
        assertTrue(run.err().startsWith("dmactl bind: no PCI device 0000:00:09.0"), run.err());
        assertEquals(List.of(), machine.kernel().writes());
    }

    @Test
    void withoutRootItIsExit4AndNothingChanges() {
        machine.kernel().denyAllWrites();
        CliRun run = CliRun.of(host, "bind", "0000:00:03.0");
        assertEquals(ExitCodes.PERMISSION, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().length, run::toString);
        assertTrue(run.err().startsWith("dmactl bind: permission denied writing "), run.err());
        assertTrue(run.err().contains("0000:00:03.0/driver_override: this needs root"), run.err());
        assertNothingTouched("0000:00:03.0", null);
    }

    @Test
    void withoutAnIommuVfioPciIsUnavailable() {
        FixtureMachine vm = FixtureMachine.noIommu(temporary.resolve("vm"));
        CliRun run = CliRun.of(vm.host(List.of(), NO_VFIO), "bind", "0000:00:04.0");
        assertEquals(ExitCodes.UNAVAILABLE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("it has no IOMMU group"), run.err());
        assertEquals(List.of(), vm.kernel().writes());
    }

    private PciDevice device(String address) {
        return machine.sysfs().require(PciAddress.parse(address));
    }

    private void assertNothingTouched(String address, String driver) {
        assertEquals(List.of(), machine.kernel().writes(), "no sysfs write");
        assertEquals(Optional.ofNullable(driver), device(address).driver());
        assertEquals(Optional.empty(), device(address).driverOverride());
        assertFalse(Files.exists(machine.stateDirectory().resolve("bindings")), "no bind record");
    }
}
