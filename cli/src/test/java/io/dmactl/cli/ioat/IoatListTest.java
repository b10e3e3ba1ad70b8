package io.dmactl.cli.ioat;

import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.host.VfioInspector;
import io.dmactl.provider.cpu.CpuProvider;
import io.dmactl.provider.ioat.IoatProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dmactl list} names the ioat provider for a QuickData function (the q35 fixture with its NIC turned into one). */
class IoatListTest {

    @TempDir
    Path temporary;

    @Test
    void aCbdmaFunctionIsListedWithTheIoatProvider() throws IOException {
        FixtureMachine machine = FixtureMachine.q35(temporary);
        Path function = machine.functionDirectory("0000:00:02.0");
        // Ivy Bridge-EP CBDMA channel function (Xeon E5/E7 v2): 8086:0e20, class 0x0880 "system peripheral".
        Files.writeString(function.resolve("device"), "0x0e20\n");
        Files.writeString(function.resolve("class"), "0x088000\n");
        VfioInspector noVfio = device -> {
            throw new AssertionError("list never opens VFIO");
        };
        CliRun run = CliRun.of(machine.host(List.of(new IoatProvider(), new CpuProvider()), noVfio), "list");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        String line = run.out().lines().filter(l -> l.startsWith("0000:00:02.0")).findFirst().orElseThrow(() -> new AssertionError(run.toString()));
        assertTrue(line.contains("8086:0e20") && line.endsWith("ioat"), line);
        assertEquals(1, run.out().lines().filter(l -> l.startsWith("0000:")).count(), run.out());
    }
}
