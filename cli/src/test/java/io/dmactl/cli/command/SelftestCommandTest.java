package io.dmactl.cli.command;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.ShortCopyProvider;
import io.dmactl.cli.host.EmulationTest;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.host.VfioInspector;
import io.dmactl.provider.cpu.CpuProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelftestCommandTest {

    private static final VfioInspector NO_VFIO = device -> {
        throw new AssertionError("selftest never asks for VFIO info");
    };

    @TempDir
    Path temporary;

    private HostSystem host;

    @BeforeEach
    void setUp() {
        host = FixtureMachine.q35(temporary.resolve("machine")).host(List.of(new CpuProvider()), NO_VFIO);
    }

    @Test
    void runsTheWholeMatrixOnTheCpuEngineAndPrintsTheSummary() {
        CliRun run = CliRun.of(host, "selftest", "--provider", "cpu");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        String[] lines = run.out().split("\n");
        assertTrue(lines[0].matches("ENGINE +DIRECTION +CASES +OPS +BYTES +FAILURES +TIME_MS"), lines[0]);
        assertTrue(lines[1].matches("cpu +host->host +27 +27 +3368709 +0 +[0-9]+\\.[0-9]"), lines[1]);
        assertTrue(lines[2].matches("cpu +fill host +27 +27 +3368709 +0 +[0-9]+\\.[0-9]"), lines[2]);
        assertTrue(run.out().lines().noneMatch(line -> line.contains("emulation") || line.contains("virtual machine")), run.out());
        assertTrue(run.out().contains("selftest passed: 54 ops on 1 engine(s), every byte checked"), run.out());
        assertTrue(run.out().contains("no --window given"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void jsonCountsOpsAndBytesPerRoute() {
        CliRun run = CliRun.of(host, "selftest", "--json");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        JsonObject report = JsonParser.parseString(run.out()).getAsJsonObject();
        assertTrue(report.get("passed").getAsBoolean());
        assertEquals(List.of("cpu"), strings(report.getAsJsonArray("engines")));
        Map<String, JsonObject> byRoute = new HashMap<>();
        for (JsonElement result : report.getAsJsonArray("results")) {
            byRoute.put(result.getAsJsonObject().get("direction").getAsString(), result.getAsJsonObject());
        }
        assertEquals(2, byRoute.size(), run::toString);
        JsonObject copies = byRoute.get("host->host");
        assertEquals(27, copies.get("ops").getAsLong());
        // 1+3+8+64+511+4095+4096+65549+1048576 bytes, at three offset pairs each.
        assertEquals(3L * (1 + 3 + 8 + 64 + 511 + 4095 + 4096 + 65_549 + 1_048_576), copies.get("bytes").getAsLong());
        assertEquals(0, copies.get("failures").getAsInt());
        assertTrue(copies.get("timeNanos").getAsLong() > 0);
        assertTrue(report.getAsJsonArray("failures").isEmpty());
    }

    @Test
    void anEngineThatCopiesShortFailsWithExitOneAndSaysWhere() {
        HostSystem broken = FixtureMachine.q35(temporary.resolve("broken"))
                .host(List.of(new CpuProvider(), new ShortCopyProvider(1)), NO_VFIO);
        CliRun run = CliRun.of(broken, "selftest");
        assertEquals(ExitCodes.FAILURE, run.exitCode(), run::toString);
        assertTrue(run.out().matches("(?s).*\nshortcpu +host->host +27 +27 +\\d+ +24 .*"), run.out());
        // Fills are not broken: that row passes.
        assertTrue(run.out().matches("(?s).*\nshortcpu +fill host +27 +27 +\\d+ +0 .*"), run.out());
        assertTrue(run.out().contains("FAILED: shortcpu host->host (3 bytes, source +0, destination +0): byte 2 differs"),
                run.out());
        assertTrue(run.out().contains("selftest FAILED: 24 failed case(s)"), run.out());
        assertEquals(1, run.errLines().length, run::toString);
        assertEquals("dmactl selftest: selftest failed: [shortcpu host->host (24 of 27)]", run.errLines()[0]);
    }

    @Test
    void jsonOfAFailedRunSaysNotPassed() {
        HostSystem broken = FixtureMachine.q35(temporary.resolve("broken"))
                .host(List.of(new ShortCopyProvider(8)), NO_VFIO);
        CliRun run = CliRun.of(broken, "selftest", "--json");
        assertEquals(ExitCodes.FAILURE, run.exitCode(), run::toString);
        JsonObject report = JsonParser.parseString(run.out()).getAsJsonObject();
        assertFalse(report.get("passed").getAsBoolean());
        assertEquals(5, report.getAsJsonArray("failures").size(), "at most 5 notes per route");
    }

    @Test
    void anUnknownProviderIsNotFoundBeforeAnythingOpens() {
        CliRun run = CliRun.of(host, "selftest", "--provider", "cpu,ioat");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode(), run::toString);
        assertEquals("dmactl selftest: no provider named 'ioat'; providers: cpu", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void aWindowMustBeADeviceBar() {
        CliRun run = CliRun.of(host, "selftest", "--window", "mem:4K");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("'mem:4K' is not a device window"), run.err());
        CliRun malformed = CliRun.of(host, "selftest", "--window", "0000:00:03.0/bar9");
        assertEquals(ExitCodes.USAGE, malformed.exitCode(), malformed::toString);
    }

    @Test
    void aWindowOnADeviceNotBoundToVfioIsRefusedBeforeOpening() {
        CliRun absent = CliRun.of(host, "selftest", "--window", "0000:00:09.0/bar0");
        assertEquals(ExitCodes.NOT_FOUND, absent.exitCode(), absent::toString);
        CliRun unbound = CliRun.of(host, "selftest", "--window", "0000:00:03.0/bar0");
        assertEquals(ExitCodes.UNAVAILABLE, unbound.exitCode(), unbound::toString);
        assertTrue(unbound.err().contains("not vfio-pci"), unbound.err());
        assertEquals(1, unbound.errLines().length, unbound::toString);
    }

    @Test
    void aUioBoundDeviceIsNamedWithTheOptInItNeedsAndNotOpened() throws Exception {
        FixtureMachine machine = FixtureMachine.q35(temporary.resolve("uio-machine"));
        java.nio.file.Files.createDirectories(machine.sysfs().root().resolve("bus/pci/drivers/uio_pci_generic"));
        HostSystem uioHost = machine.host(List.of(new CpuProvider()), NO_VFIO);
        CliRun bind = CliRun.of(uioHost, "bind", "0000:00:03.0", "--driver", "uio_pci_generic", "--no-iommu");
        assertEquals(ExitCodes.OK, bind.exitCode(), bind::toString);
        CliRun run = CliRun.of(uioHost, "selftest", "--verbose");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.err().contains("dmactl selftest: 0000:00:03.0 is bound to uio_pci_generic; "
            + io.dmactl.core.device.UioDeviceSource.OPT_IN_HINT), run.err());
    }

    private static List<String> strings(JsonArray array) {
        return array.asList().stream().map(JsonElement::getAsString).toList();
    }

    @Test
    void routesRunOnAnEmulatedCpuAreMarkedInTheTableAndTheJson() throws Exception {
        Files.writeString(temporary.resolve("machine/proc/cpuinfo"), EmulationTest.TCG_CPUINFO);
        CliRun text = CliRun.of(host, "selftest", "--provider", "cpu");
        assertEquals(ExitCodes.OK, text.exitCode(), text::toString);
        String[] lines = text.out().split("\n");
        assertTrue(lines[1].startsWith("cpu* "), lines[1]);
        assertTrue(text.out().contains("\n* cpu: measured under emulation, the CPU is emulated (QEMU TCG: \"QEMU TCG CPU version"
                + " 2.5+\"); not a hardware figure\n"), text.out());
        assertTrue(text.out().contains("(measured in a virtual machine (the CPU's hypervisor flag))"), text.out());

        CliRun json = CliRun.of(host, "selftest", "--provider", "cpu", "--json");
        assertEquals(ExitCodes.OK, json.exitCode(), json::toString);
        JsonObject report = JsonParser.parseString(json.out()).getAsJsonObject();
        assertEquals("a virtual machine (the CPU's hypervisor flag)", report.get("virtualMachine").getAsString());
        for (JsonElement result : report.getAsJsonArray("results")) {
            assertTrue(result.getAsJsonObject().get("emulated").getAsString().startsWith("the CPU is emulated (QEMU TCG"),
                    result::toString);
        }
    }
}
