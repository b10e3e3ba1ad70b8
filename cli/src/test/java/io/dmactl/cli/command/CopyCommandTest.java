package io.dmactl.cli.command;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FatalAfterFirstOpProvider;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.TestProviders;
import io.dmactl.cli.copy.BytePattern;
import io.dmactl.cli.host.EmulationTest;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.host.VfioInspector;
import io.dmactl.provider.cpu.CpuProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.dmactl.core.device.UioDeviceSource;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CopyCommandTest {

    private static final VfioInspector NO_VFIO = device -> {
        throw new AssertionError("copy never asks for VFIO info");
    };

    @TempDir
    Path temporary;

    private HostSystem host;
    private Path files;

    @BeforeEach
    void setUp() throws Exception {
        host = FixtureMachine.q35(temporary.resolve("machine"))
                .host(List.of(TestProviders.edu(), new CpuProvider()), NO_VFIO);
        files = Files.createDirectories(temporary.resolve("files"));
    }

    @Test
    void copiesHostMemoryWithTheCpuEngineAndVerifiesIt() {
        CliRun run = CliRun.of(host, "copy", "mem", "mem", "--size", "64K", "--verify");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("copied 64K (65536 bytes) mem -> mem with engine cpu in "), run.out());
        assertTrue(run.out().endsWith("; verified: identical\n"), run.out());
        assertTrue(run.out().matches("(?s).* in [0-9.]+ (ns|us|ms|s) \\([0-9.]+ (kB|MB|GB)/s\\); verified.*"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void aSmallCopyShowsItsTimeInAHumanUnitAndNoRate() {
        CliRun run = CliRun.of(host, "copy", "mem", "mem", "--size", "4");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.out().matches("copied 4 bytes mem -> mem with engine cpu in [0-9.]+ (ns|us|ms|s)\n"), run.out());
    }

    @Test
    void jsonReportsEngineStatusAndVerification() {
        CliRun run = CliRun.of(host, "copy", "mem:1M+0x10", "mem+3", "--size", "100000", "--verify", "--json",
                "--provider", "cpu");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        JsonObject report = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals("mem:1M+0x10", report.get("source").getAsString());
        assertEquals("mem+0x3", report.get("destination").getAsString());
        assertEquals(100000, report.get("lengthBytes").getAsLong());
        assertEquals("cpu", report.get("engine").getAsString());
        assertEquals("success", report.get("status").getAsString());
        assertTrue(report.get("verified").getAsBoolean());
        assertTrue(report.get("firstMismatchOffset").isJsonNull());
        assertTrue(report.get("latencyNanos").getAsLong() > 0);
    }

    @Test
    void aCopyTheRuntimeAbortedShowsWhyInTextAndJson() {
        HostSystem dying = FixtureMachine.q35(temporary.resolve("dying"))
                .host(List.of(new FatalAfterFirstOpProvider("the device fell off the bus")), NO_VFIO);
        CliRun text = CliRun.of(dying, "copy", "mem", "mem", "--size", "4K");
        assertEquals(ExitCodes.FAILURE, text.exitCode(), text::toString);
        assertEquals(1, text.errLines().length, text::toString);
        assertTrue(text.err().startsWith("dmactl copy: the copy mem -> mem ended with ABORTED on engine fatalcpu: "), text.err());
        assertTrue(text.err().contains("the device fell off the bus"), text.err());

        CliRun json = CliRun.of(dying, "copy", "mem", "mem", "--size", "4K", "--json");
        assertEquals(ExitCodes.FAILURE, json.exitCode(), json::toString);
        JsonObject report = JsonParser.parseString(json.out()).getAsJsonObject();
        assertEquals("aborted", report.get("status").getAsString());
        assertTrue(report.get("reason").getAsString().contains("the device fell off the bus"), json.out());
    }

    @Test
    void aSuccessfulCopyHasNoReason() {
        CliRun run = CliRun.of(host, "copy", "mem", "mem", "--size", "4K", "--json");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(JsonParser.parseString(run.out()).getAsJsonObject().get("reason").isJsonNull(), run.out());
    }

    @Test
    void copiesAFileToAFileTakingTheLengthFromTheSource() throws Exception {
        byte[] data = new byte[300_001];
        new Random(7).nextBytes(data);
        Path in = Files.write(files.resolve("in.bin"), data);
        Path out = files.resolve("out.bin");
        CliRun run = CliRun.of(host, "copy", "file:" + in, "file:" + out, "--verify");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertArrayEquals(data, Files.readAllBytes(out));
    }

    @Test
    void aFreshSourceBufferHoldsTheDocumentedPattern() throws Exception {
        Path out = files.resolve("pattern.bin");
        CliRun run = CliRun.of(host, "copy", "mem:64K+0x100", "file:" + out, "--size", "4K");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment expected = arena.allocate(65536);
            BytePattern.fill(expected, 0x646D6163746CL);
            assertArrayEquals(expected.asSlice(0x100, 4096).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    Files.readAllBytes(out));
        }
    }

    @Test
    void aSizePastTheEndOfABufferIsAUsageErrorAndNothingIsWritten() {
        Path out = files.resolve("never.bin");
        CliRun run = CliRun.of(host, "copy", "mem:4K", "file:" + out, "--size", "8K");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertEquals("dmactl copy: source mem:4K: 8192 bytes from offset 0x0 run past the end of the buffer"
                + " (4096 bytes = 4K); at most 4096 bytes fit there\n", run.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aSizePastTheEndOfAFileIsAUsageError() throws Exception {
        Path in = Files.write(files.resolve("small.bin"), new byte[100]);
        CliRun run = CliRun.of(host, "copy", "file:" + in, "mem", "--size", "101");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("101 bytes from offset 0x0 run past the end of the file (100 bytes = 100)"), run.err());
    }

    @Test
    void aSizePastTheEndOfABarIsAUsageErrorNamingTheBar() {
        CliRun run = CliRun.of(host, "copy", "mem", "0000:00:05.0/bar2+4M", "--size", "1");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().length);
        assertTrue(run.err().contains("destination 0000:00:05.0/bar2+0x400000: 1 bytes from offset 0x400000 run past"
                + " the end of the BAR2 (4194304 bytes = 4M); at most 0 bytes fit there"), run.err());
    }

    @Test
    void aBarTheDeviceLacksIsNotFound() {
        CliRun run = CliRun.of(host, "copy", "0000:00:05.0/bar4", "mem", "--size", "4K");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode());
        assertTrue(run.err().contains("0000:00:05.0 has no BAR4 (source 0000:00:05.0/bar4+0x0); its BARs: BAR0 256, BAR2 4M"),
                run.err());
    }

    @Test
    void anUnknownDeviceIsNotFound() {
        CliRun run = CliRun.of(host, "copy", "mem", "0000:00:09.0/bar0", "--size", "4K");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode());
        assertTrue(run.err().startsWith("dmactl copy: no PCI device 0000:00:09.0"), run.err());
    }

    @Test
    void privateMemoryOfADeviceNoProviderDrivesIsNotFound() {
        CliRun run = CliRun.of(host, "copy", "mem", "0000:00:02.0/dev+0", "--size", "4K");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode());
        assertEquals("dmactl copy: no provider drives 0000:00:02.0 (8086:10d3, Ethernet controller), so it has no"
                + " engine memory for destination 0000:00:02.0/dev+0x0; providers: edu, cpu\n", run.err());
    }

    @Test
    void aMalformedLocationIsAUsageErrorNamingTheTokenAndTheForms() {
        CliRun run = CliRun.of(host, "copy", "mem", "0000:00:03.0/bar9", "--size", "4K");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals(1, run.errLines().length, run::toString);
        assertTrue(run.err().contains("bad location '0000:00:03.0/bar9': 'bar9' names no BAR"), run.err());
        assertTrue(run.err().endsWith("(see 'dmactl copy --help')\n"), run.err());
    }

    @Test
    void aBadSizeIsAUsageError() {
        CliRun zero = CliRun.of(host, "copy", "mem", "mem", "--size", "0");
        assertEquals(ExitCodes.USAGE, zero.exitCode());
        assertTrue(zero.err().contains("a size of 0 bytes moves nothing"), zero.err());
        CliRun garbage = CliRun.of(host, "copy", "mem", "mem", "--size", "lots");
        assertEquals(ExitCodes.USAGE, garbage.exitCode());
        assertTrue(garbage.err().contains("bad size 'lots': expected a byte count like 4096"), garbage.err());
    }

    @Test
    void withoutASizeFromAnywhereItAsksForOne() {
        CliRun run = CliRun.of(host, "copy", "mem", "mem");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("dmactl copy: how many bytes? neither mem nor mem says; give --size, e.g. --size 4K\n", run.err());
    }

    @Test
    void aMissingSourceFileIsNotFound() {
        CliRun run = CliRun.of(host, "copy", "file:" + files.resolve("absent.bin"), "mem");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode());
        assertEquals("dmactl copy: no such file: '" + files.resolve("absent.bin") + "'\n", run.err());
    }

    @Test
    void aDestinationInAMissingDirectoryIsNotFoundAndNotCreated() {
        Path out = files.resolve("no/such/dir/out.bin");
        CliRun run = CliRun.of(host, "copy", "mem", "file:" + out, "--size", "4K");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode());
        assertTrue(run.err().contains("destination directory '" + out.getParent() + "' does not exist"), run.err());
        assertFalse(Files.exists(files.resolve("no")));
    }

    @Test
    void anUnknownProviderIsNotFoundListingTheProviders() {
        CliRun run = CliRun.of(host, "copy", "mem", "mem", "--size", "4K", "--provider", "dsa");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode());
        assertEquals("dmactl copy: no provider named 'dsa'; providers: edu, cpu\n", run.err());
    }

    @Test
    void withNoProviderAtAllItSaysSo() {
        HostSystem empty = FixtureMachine.q35(temporary.resolve("empty")).host(List.of(), NO_VFIO);
        CliRun run = CliRun.of(empty, "copy", "mem", "mem", "--size", "4K");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode());
        assertEquals(1, run.errLines().length);
        assertTrue(run.err().startsWith("dmactl copy: no DMA provider is installed"), run.err());
    }

    @Test
    void aProviderThatCannotServeTheCopyIsNotFound() {
        // The fixture's edu (0000:00:03.0) is not bound to vfio-pci, so the runtime opens no edu engine.
        CliRun run = CliRun.of(host, "copy", "mem", "mem", "--size", "4K", "--provider", "edu");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode(), run::toString);
        assertEquals("dmactl copy: provider 'edu' has no engine open here; the runtime said: provider 'edu':"
                + " no function bound to vfio-pci matches [1234:11e8]\n", run.err());
    }

    @Test
    void anotherProvidersEngineCannotReachPrivateMemory() {
        assertEquals(ExitCodes.OK, CliRun.of(host, "bind", "0000:00:03.0").exitCode());
        CliRun run = CliRun.of(host, "copy", "mem", "0000:00:03.0/dev+0", "--size", "4K", "--provider", "cpu");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode(), run::toString);
        assertEquals("dmactl copy: --provider cpu cannot reach 0000:00:03.0/dev+0x0: that memory is private to the"
                + " engine of 0000:00:03.0 (provider edu)\n", run.err());
    }

    @Test
    void aDeviceBoundToUioIsRefusedWithoutNoIommuSayingWhyAndHow() throws Exception {
        FixtureMachine machine = FixtureMachine.q35(temporary.resolve("uio-machine"));
        Files.createDirectories(machine.sysfs().root().resolve("bus/pci/drivers/uio_pci_generic"));
        HostSystem uioHost = machine.host(List.of(TestProviders.edu(), new CpuProvider()), NO_VFIO);
        CliRun bind = CliRun.of(uioHost, "bind", "0000:00:03.0", "--driver", "uio_pci_generic", "--no-iommu");
        assertEquals(ExitCodes.OK, bind.exitCode(), bind::toString); // bind.err() says why not
        CliRun run = CliRun.of(uioHost, "copy", "mem", "0000:00:03.0/dev+0", "--size", "4K");
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run::toString);
        assertEquals("dmactl copy: 0000:00:03.0 is bound to uio_pci_generic; " + UioDeviceSource.OPT_IN_HINT + "\n", run.err());
    }

    @Test
    void deviceMemoryNeedsTheDeviceBoundToVfioPci() {
        CliRun window = CliRun.of(host, "copy", "mem", "0000:00:05.0/bar2+0x1000", "--size", "4K");
        assertEquals(ExitCodes.UNAVAILABLE, window.exitCode(), window::toString);
        assertEquals("dmactl copy: destination 0000:00:05.0/bar2+0x1000: 0000:00:05.0 is not bound to any driver,"
                + " not vfio-pci; 'dmactl bind 0000:00:05.0' gives it to vfio-pci\n", window.err());
        CliRun space = CliRun.of(host, "copy", "0000:00:03.0/dev+0", "mem", "--size", "4K");
        assertEquals(ExitCodes.UNAVAILABLE, space.exitCode(), space::toString);
        assertTrue(space.err().startsWith("dmactl copy: source 0000:00:03.0/dev+0x0: 0000:00:03.0 is not bound"), space.err());
    }

    @Test
    void verboseShowsTheEnginesAndTheDispatchersChoice() {
        CliRun run = CliRun.of(host, "copy", "mem", "mem", "--size", "4K", "-v");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.err().contains("dmactl copy: engine cpu (provider cpu)"), run.err());
        assertTrue(run.err().contains("  - cpu: can serve\n  chosen: cpu"), run.err());
    }

    @Test
    void aCopyTimedOnAnEmulatedCpuSaysSoInTextAndJson() throws Exception {
        Files.writeString(temporary.resolve("machine/proc/cpuinfo"), EmulationTest.TCG_CPUINFO);
        CliRun text = CliRun.of(host, "copy", "mem", "mem", "--size", "4K");
        assertEquals(ExitCodes.OK, text.exitCode(), text::toString);
        assertTrue(text.out().matches("copied 4K \\(4096 bytes\\) mem -> mem with engine cpu in [^\n]+\n"
                + "\\(timed under emulation: the CPU is emulated \\(QEMU TCG: \"QEMU TCG CPU version 2\\.5\\+\"\\)\\)\n"), text.out());
        CliRun json = CliRun.of(host, "copy", "mem", "mem", "--size", "4K", "--json");
        assertEquals(ExitCodes.OK, json.exitCode(), json::toString);
        assertTrue(JsonParser.parseString(json.out()).getAsJsonObject().get("emulated").getAsString()
                .startsWith("the CPU is emulated (QEMU TCG"), json.out());
        CliRun hardware = CliRun.of(FixtureMachine.q35(temporary.resolve("hardware")).host(List.of(new CpuProvider()), NO_VFIO),
                "copy", "mem", "mem", "--size", "4K", "--json");
        assertTrue(JsonParser.parseString(hardware.out()).getAsJsonObject().get("emulated").isJsonNull(), hardware.out());
    }
}
