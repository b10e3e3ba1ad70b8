package io.dmactl.cli.command;

import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.host.HostSystem;
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

class UnbindCommandTest {

    @TempDir
    Path temporary;

    private FixtureMachine machine;
    private HostSystem host;

    @BeforeEach
    void setUp() {
        machine = FixtureMachine.q35(temporary);
        host = machine.host(List.of(), device -> {
            throw new AssertionError("unbind never opens VFIO");
        });
    }

    @Test
    void restoresTheDriverTheDeviceHadBeforeBind() {
        assertEquals(ExitCodes.OK, CliRun.of(host, "bind", "0000:00:02.0").exitCode());
        assertEquals(Optional.of("vfio-pci"), device("0000:00:02.0").driver());

        CliRun run = CliRun.of(host, "unbind", "0000:00:02.0");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertEquals("0000:00:02.0: released from vfio-pci; now bound to e1000e (as before 'dmactl bind').\n", run.out());
        assertEquals(Optional.of("e1000e"), device("0000:00:02.0").driver());
        assertEquals(Optional.empty(), device("0000:00:02.0").driverOverride());
        assertFalse(Files.exists(machine.stateDirectory().resolve("bindings/0000:00:02.0.properties")));
    }

    @Test
    void aDeviceThatHadNoDriverIsLeftWithout() {
        assertEquals(ExitCodes.OK, CliRun.of(host, "bind", "0000:00:03.0").exitCode());
        CliRun run = CliRun.of(host, "unbind", "00:03.0", "--json");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("\"releasedFrom\": \"vfio-pci\"") && run.out().contains("\"driverNow\": null")
                && run.out().contains("\"restoredFromRecord\": true"), run.out());
        assertEquals(Optional.empty(), device("0000:00:03.0").driver());
    }

    @Test
    void withoutARecordTheKernelPicksTheDriver() throws Exception {
        assertEquals(ExitCodes.OK, CliRun.of(host, "bind", "0000:00:02.0").exitCode());
        Files.delete(machine.stateDirectory().resolve("bindings/0000:00:02.0.properties"));
        CliRun run = CliRun.of(host, "unbind", "0000:00:02.0");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertEquals("0000:00:02.0: released from vfio-pci; now bound to e1000e.\n", run.out());
        assertEquals(Optional.of("e1000e"), device("0000:00:02.0").driver());
    }

    @Test
    void aDeviceOnAHostDriverIsLeftAlone() {
        CliRun run = CliRun.of(host, "unbind", "0000:00:04.0");
        assertEquals(ExitCodes.OK, run.exitCode());
        assertEquals("0000:00:04.0 is bound to nvme, not to a userspace driver; nothing changed.\n", run.out());
        assertEquals(List.of(), machine.kernel().writes());
    }

    @Test
    void withoutRootItIsExit4() {
        assertEquals(ExitCodes.OK, CliRun.of(host, "bind", "0000:00:03.0").exitCode());
        machine.kernel().denyAllWrites();
        CliRun run = CliRun.of(host, "unbind", "0000:00:03.0");
        assertEquals(ExitCodes.PERMISSION, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().length);
        assertEquals(Optional.of("vfio-pci"), device("0000:00:03.0").driver());
        assertTrue(Files.exists(machine.stateDirectory().resolve("bindings/0000:00:03.0.properties")),
                "the record stays for the next try");
    }

    @Test
    void anUnknownDeviceIsExit3() {
        assertEquals(ExitCodes.NOT_FOUND, CliRun.of(host, "unbind", "0000:00:09.0").exitCode());
    }

    private PciDevice device(String address) {
        return machine.sysfs().require(PciAddress.parse(address));
    }
}
