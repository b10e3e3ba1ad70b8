package io.dmactl.cli.dsa;

import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.host.VfioInspector;
import io.dmactl.provider.cpu.CpuProvider;
import io.dmactl.provider.dsa.DsaProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dmactl list} shows DSA devices and work queues from /sys/bus/dsa/devices, laid out as the
 * kernel's ABI document for the idxd driver describes (attributes mode, size, type, state, ...).
 */
class DsaListTest {
    @TempDir
    Path temporary;

    private static final VfioInspector NO_VFIO = device -> {
        throw new AssertionError("list never opens VFIO");
    };

    private static void attr(Path dir, String name, String value) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name), value + "\n");
    }

    private static void queue(Path devices, String wq, String mode, String type, String state) throws IOException {
        Path d = devices.resolve(wq);
        attr(d, "mode", mode);
        attr(d, "size", "16");
        attr(d, "type", type);
        attr(d, "state", state);
        attr(d, "max_transfer_size", "2097152");
        attr(d, "max_batch_size", "32");
        attr(d, "name", "app");
    }

    @Test
    void queuesAreListedWithThePathDmactlWouldUse() throws IOException {
        FixtureMachine machine = FixtureMachine.q35(temporary);
        Path devices = machine.sysfs().root().resolve("bus/dsa/devices");
        attr(devices.resolve("dsa0"), "state", "enabled");
        queue(devices, "wq0.0", "dedicated", "user", "enabled");
        queue(devices, "wq0.1", "shared", "kernel", "enabled");
        CliRun run = CliRun.of(machine.host(List.of(new CpuProvider(), new DsaProvider()), NO_VFIO), "list");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.contains("Software engines: cpu"), run.out());
        assertTrue(lines.contains("DSA work queues (idxd driver, /sys/bus/dsa):"), run.out());
        String wq00 = lines.stream().filter(l -> l.startsWith("dsa0") && l.contains("wq0.0")).findFirst().orElseThrow();
        assertTrue(wq00.matches("dsa0 +- +enabled +wq0\\.0 +dedicated +16 +user +enabled +provider dsa, write\\(2\\) on /dev/dsa/wq0\\.0.*"),
            wq00);
        String wq01 = lines.stream().filter(l -> l.contains("wq0.1")).findFirst().orElseThrow();
        assertTrue(wq01.endsWith("none: type kernel (dmactl needs a user queue)"), wq01);
        assertTrue(run.out().lines().noneMatch(l -> l.contains("accel-config")), run.out());
    }

    @Test
    void aDeviceWithoutAUsableQueueNamesTheAccelConfigCommands() throws IOException {
        FixtureMachine machine = FixtureMachine.q35(temporary);
        Path devices = machine.sysfs().root().resolve("bus/dsa/devices");
        attr(devices.resolve("dsa0"), "state", "disabled");
        queue(devices, "wq0.0", "dedicated", "none", "disabled");
        CliRun run = CliRun.of(machine.host(List.of(new CpuProvider(), new DsaProvider()), NO_VFIO), "list");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("dsa0 present, but no enabled user work queue"), run.out());
        assertTrue(run.out().contains("accel-config config-wq dsa0/wq0.0") && run.out().contains("accel-config enable-wq dsa0/wq0.0"),
            run.out());
    }

    @Test
    void infoOnTheDsaFunctionShowsItsQueues() throws IOException {
        FixtureMachine machine = FixtureMachine.q35(temporary);
        Path function = machine.functionDirectory("0000:00:02.0");
        Files.writeString(function.resolve("device"), "0x0b25\n");
        Path dsa0 = function.resolve("dsa0");
        attr(dsa0, "state", "enabled");
        Path devices = Files.createDirectories(machine.sysfs().root().resolve("bus/dsa/devices"));
        Files.createSymbolicLink(devices.resolve("dsa0"), dsa0);
        queue(devices, "wq0.0", "dedicated", "user", "enabled");
        CliRun run = CliRun.of(machine.host(List.of(new CpuProvider(), new DsaProvider()), NO_VFIO), "info", "0000:00:02.0");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        String wq00 = run.out().lines().filter(l -> l.contains("wq0.0")).findFirst().orElseThrow(() -> new AssertionError(run.out()));
        assertTrue(wq00.matches("dsa0 +0000:00:02\\.0 +enabled +wq0\\.0 +dedicated .*write\\(2\\) on /dev/dsa/wq0\\.0.*"), wq00);
        CliRun other = CliRun.of(machine.host(List.of(new CpuProvider(), new DsaProvider()), NO_VFIO), "info", "0000:00:03.0");
        assertTrue(other.out().lines().noneMatch(l -> l.contains("DSA")), other.out());
    }

    @Test
    void noDsaSectionWithoutDsaDevices() {
        FixtureMachine machine = FixtureMachine.q35(temporary);
        CliRun run = CliRun.of(machine.host(List.of(new CpuProvider(), new DsaProvider()), NO_VFIO), "list");
        assertTrue(run.out().lines().noneMatch(l -> l.contains("DSA")), run.out());
    }
}
