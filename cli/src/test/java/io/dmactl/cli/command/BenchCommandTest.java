package io.dmactl.cli.command;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FailingStatusProvider;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.ShortCopyProvider;
import io.dmactl.cli.host.EmulationTest;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.host.VfioInspector;
import io.dmactl.provider.cpu.CpuProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {

    private static final VfioInspector NO_VFIO = device -> {
        throw new AssertionError("bench never asks for VFIO info");
    };

    @TempDir
    Path temporary;

    private HostSystem host;

    @BeforeEach
    void setUp() {
        host = FixtureMachine.q35(temporary.resolve("machine")).host(List.of(new CpuProvider()), NO_VFIO);
    }

    @Test
    void measuresTheCpuEngineAndTheBaselineInTheSameRun() {
        measuresTheCpuEngineAndTheBaselineInTheSameRun("raw");
        measuresTheCpuEngineAndTheBaselineInTheSameRun("runtime");
        measuresTheCpuEngineAndTheBaselineInTheSameRun("stream");
    }

    private void measuresTheCpuEngineAndTheBaselineInTheSameRun(String path) {
        long start = System.nanoTime();
        CliRun run = CliRun.of(host, "bench", "--provider", "cpu", "--sizes", "64,64K", "--duration", "200ms", "--json",
                "--path", path);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        // Two sizes, each 200 ms + 20 ms warm-up for the engine and again for the baseline.
        assertTrue(seconds >= 0.8, "bench ran only " + seconds + " s");
        JsonObject report = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals(0.2, report.get("durationSeconds").getAsDouble(), 1e-9);
        assertEquals(4, report.get("depth").getAsInt());
        assertEquals(path, report.get("path").getAsString());
        assertTrue(report.get("api").getAsString().startsWith(switch (path) {
            case "raw" -> "the bench thread owning channel 0";
            case "stream" -> "a DmaStream";
            default -> "DmaRuntime callbacks";
        }), run::toString);
        JsonArray results = report.getAsJsonArray("results");
        assertEquals(2, results.size(), run::toString);
        long[] sizes = {64, 65536};
        for (int i = 0; i < 2; i++) {
            JsonObject point = results.get(i).getAsJsonObject();
            assertEquals("cpu", point.get("engine").getAsString());
            assertEquals("host->host", point.get("direction").getAsString());
            assertEquals(sizes[i], point.get("sizeBytes").getAsLong());
            long ops = point.get("ops").getAsLong();
            assertTrue(ops > 10, () -> "only " + ops + " ops in 200 ms: " + point);
            assertEquals(0, point.get("failedOps").getAsLong());
            double measured = point.get("seconds").getAsDouble();
            assertTrue(measured >= 0.2 && measured < 5, () -> "measured " + measured + " s");
            // Throughput is what the ops moved in the measured time.
            assertEquals(ops * sizes[i] / measured / 1e9, point.get("gigabytesPerSecond").getAsDouble(), 1e-6);
            long p50 = point.get("p50Nanos").getAsLong();
            long p99 = point.get("p99Nanos").getAsLong();
            long p999 = point.get("p999Nanos").getAsLong();
            assertTrue(0 < p50 && p50 <= p99 && p99 <= p999, point::toString);
            assertTrue(point.get("baselineRatio").getAsDouble() > 0, point::toString);
            assertTrue(point.get("firstFailure").isJsonNull(), point::toString);
            if (path.equals("raw")) {
                double submit = point.get("submitNanosPerOp").getAsDouble();
                assertTrue(submit > 0 && submit < p50, () -> "submit side " + submit + " ns, round trip " + p50 + " ns");
            } else {
                assertTrue(point.get("submitNanosPerOp").isJsonNull(), point::toString);
            }
        }
        JsonArray baseline = report.getAsJsonArray("baseline");
        assertEquals(2, baseline.size());
        for (int i = 0; i < 2; i++) {
            JsonObject point = baseline.get(i).getAsJsonObject();
            assertEquals(sizes[i], point.get("sizeBytes").getAsLong());
            assertTrue(point.get("ops").getAsLong() > 1000, point::toString);
            double ratio = results.get(i).getAsJsonObject().get("gigabytesPerSecond").getAsDouble()
                    / point.get("gigabytesPerSecond").getAsDouble();
            assertEquals(ratio, results.get(i).getAsJsonObject().get("baselineRatio").getAsDouble(), 1e-9);
        }
        assertTrue(report.getAsJsonArray("notes").isEmpty(), run::toString);
    }

    @Test
    void batchesAndWritesAChartWithOneLinePerEngineAndTheBaseline() throws Exception {
        Path chart = temporary.resolve("bench.svg");
        CliRun run = CliRun.of(host, "bench", "--sizes", "4K,1M", "--duration", "100ms", "--batch", "8", "--depth", "32",
                "--chart", chart.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        String[] lines = run.out().split("\n");
        assertEquals("100 ms per point, depth 32, batch 8, path raw: the bench thread owning channel 0 (enqueue, one"
                + " submit per batch, poll)", lines[0]);
        assertEquals(List.of("ENGINE", "DIRECTION", "SIZE", "OPS", "GB/S", "OPS/S", "SUBMIT_NS/OP", "RTT_P50_US", "RTT_P99_US",
                "RTT_P99.9_US", "VS_COPY_%"), List.of(lines[1].split(" +")));
        // one unit per column: plain numbers, no unit suffixes in the cells
        assertTrue(lines[2].matches("cpu +host->host +4K +\\d+ +[0-9.]+ +\\d+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+"), lines[2]);
        assertTrue(lines[3].matches("cpu +host->host +1M +\\d+ +[0-9.]+ +\\d+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+"), lines[3]);
        assertTrue(lines[4].startsWith("RTT: from before an op's batch is enqueued"), lines[4]);
        assertTrue(run.out().contains("baseline: MemorySegment.copy"), run.out());
        assertTrue(run.out().endsWith("chart: " + chart + "\n"), run.out());
        Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(chart.toFile());
        assertEquals("svg", svg.getDocumentElement().getTagName());
        assertEquals(2, svg.getElementsByTagName("polyline").getLength());
        assertEquals(4, svg.getElementsByTagName("circle").getLength());
        assertTrue(Files.readString(chart).contains("MemorySegment.copy"));
    }

    @Test
    void badOptionsAreUsageErrorsBeforeAnythingRuns() {
        record Case(String[] args, String message) {
        }
        for (Case bad : List.of(
                new Case(new String[] {"--batch", "8", "--depth", "2"}, "--depth 2 is out of range: from --batch (8)"),
                new Case(new String[] {"--sizes", "64,2G"}, "size 2G (2147483648 bytes) is too large for bench: at most 1G"),
                new Case(new String[] {"--sizes", "64,0"}, "a size of 0 bytes moves nothing"),
                new Case(new String[] {"--duration", "0s"}, "duration '0s' is out of range"),
                new Case(new String[] {"--duration", "fast"}, "'fast' is not a duration"),
                new Case(new String[] {"--chart", temporary.resolve("b.png").toString()}, "charts are written as SVG"),
                new Case(new String[] {"--path", "bare"}, "unknown path 'bare': expected raw"),
                new Case(new String[] {"--path", ""}, "unknown path '': expected raw"))) {
            List<String> args = new java.util.ArrayList<>(List.of("bench", "--provider", "cpu"));
            args.addAll(List.of(bad.args()));
            CliRun run = CliRun.of(host, args.toArray(String[]::new));
            assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
            assertEquals(1, run.errLines().length, run::toString);
            assertTrue(run.err().contains(bad.message()), run::toString);
            assertEquals("", run.out());
        }
    }

    @Test
    void theRuntimePathIsLabelledAsSuchAndHasNoSubmitColumn() {
        CliRun run = CliRun.of(host, "bench", "--provider", "cpu", "--sizes", "4K", "--duration", "50ms", "--path", "RUNTIME");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        String[] lines = run.out().split("\n");
        assertEquals("50 ms per point, depth 4, batch 1, path runtime: DmaRuntime callbacks, the bench thread polling"
                + " (dispatch, admission, callback)", lines[0]);
        assertEquals(List.of("ENGINE", "DIRECTION", "SIZE", "OPS", "GB/S", "OPS/S", "RTT_P50_US", "RTT_P99_US",
                "RTT_P99.9_US", "VS_COPY_%"), List.of(lines[1].split(" +")));
        assertEquals("RTT: the runtime's submission-to-completion time of each op", lines[3]);
    }

    @Test
    void theStreamPathIsLabelledAsSuchAndBatchesShareADoorbell() {
        CliRun run = CliRun.of(host, "bench", "--provider", "cpu", "--sizes", "4K", "--duration", "50ms", "--path", "stream",
                "--batch", "8", "--depth", "16");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        String[] lines = run.out().split("\n");
        assertEquals("50 ms per point, depth 16, batch 8, path stream: a DmaStream, the bench thread polling (locations"
                + " pinned and mapped once, one doorbell per batch)", lines[0]);
        assertEquals("RTT: from the stream's submit of an op's batch to the harvest that saw it complete", lines[3]);
        assertTrue(run.out().contains("cpu"), run::toString);
    }

    @Test
    void aFailedStatusOnTheRawPathIsReportedWithExitOne() {
        HostSystem failing = FixtureMachine.q35(temporary.resolve("failing")).host(List.of(new FailingStatusProvider(5)), NO_VFIO);
        for (String path : List.of("raw", "runtime", "stream")) {
            CliRun run = CliRun.of(failing, "bench", "--sizes", "64", "--duration", "50ms", "--json", "--path", path);
            assertEquals(ExitCodes.FAILURE, run.exitCode(), run::toString);
            JsonObject point = JsonParser.parseString(run.out()).getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject();
            long ops = point.get("ops").getAsLong();
            long failed = point.get("failedOps").getAsLong();
            assertTrue(failed >= ops / 5 - 1 && failed <= ops / 5 + 1, point::toString);
            assertTrue(point.get("firstFailure").getAsString().contains("DEVICE_ERROR"), point::toString);
            assertTrue(point.get("firstFailure").getAsString().contains("device code 42"), point::toString);
            assertEquals(1, run.errLines().length, run::toString);
            assertTrue(run.err().startsWith("dmactl bench: benchmark ops failed (" + path + " path): [failcpu 64 B: "), run::toString);
        }
    }

    @Test
    void wrongBytesOnTheRawPathAreCaughtAlthoughEveryStatusIsSuccess() {
        HostSystem shortCopies = FixtureMachine.q35(temporary.resolve("short")).host(List.of(new ShortCopyProvider(1)), NO_VFIO);
        CliRun run = CliRun.of(shortCopies, "bench", "--sizes", "4K", "--duration", "50ms");
        assertEquals(ExitCodes.FAILURE, run.exitCode(), run::toString);
        assertTrue(run.out().contains("shortcpu  host->host  4K"), run::toString);
        assertTrue(run.err().startsWith("dmactl bench: benchmark ops failed (raw path): [shortcpu 4096 B: 0 of "), run::toString);
        assertTrue(run.err().contains(" failed, destination byte 4095 of 4096 differs from the source]"), run::toString);
    }

    @Test
    void aChartInAMissingDirectoryIsRefusedFirst() {
        CliRun run = CliRun.of(host, "bench", "--duration", "10ms", "--chart", temporary.resolve("no/such/b.svg").toString());
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode(), run::toString);
        assertFalse(run.out().contains("ENGINE"), run.out());
    }

    @Test
    void anUnknownProviderIsNotFound() {
        CliRun run = CliRun.of(host, "bench", "--provider", "edu", "--duration", "10ms");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode(), run::toString);
        assertEquals("dmactl bench: no provider named 'edu'; providers: cpu", run.err().strip());
    }


    @Test
    void figuresMeasuredOnAnEmulatedCpuAreMarkedInTheTableAndTheJson() throws Exception {
        Files.writeString(temporary.resolve("machine/proc/cpuinfo"), EmulationTest.TCG_CPUINFO);
        CliRun text = CliRun.of(host, "bench", "--provider", "cpu", "--sizes", "64", "--duration", "50ms");
        assertEquals(ExitCodes.OK, text.exitCode(), text::toString);
        assertTrue(text.out().startsWith("note: measured in a virtual machine (the CPU's hypervisor flag)\n"), text.out());
        assertTrue(text.out().lines().anyMatch(line -> line.matches("cpu\\* +host->host +64 .*")), text.out());
        assertTrue(text.out().contains("\n* cpu: measured under emulation, the CPU is emulated (QEMU TCG: \"QEMU TCG CPU version"
                + " 2.5+\"); not a hardware figure\n"), text.out());

        CliRun json = CliRun.of(host, "bench", "--provider", "cpu", "--sizes", "64", "--duration", "50ms", "--json");
        assertEquals(ExitCodes.OK, json.exitCode(), json::toString);
        JsonObject report = JsonParser.parseString(json.out()).getAsJsonObject();
        assertEquals("a virtual machine (the CPU's hypervisor flag)", report.get("virtualMachine").getAsString());
        JsonObject point = report.getAsJsonArray("results").get(0).getAsJsonObject();
        assertTrue(point.get("emulated").getAsString().startsWith("the CPU is emulated (QEMU TCG"), point::toString);
    }

    @Test
    void figuresMeasuredOnHardwareAreNotMarked() {
        CliRun json = CliRun.of(host, "bench", "--provider", "cpu", "--sizes", "64", "--duration", "50ms", "--json");
        assertEquals(ExitCodes.OK, json.exitCode(), json::toString);
        JsonObject report = JsonParser.parseString(json.out()).getAsJsonObject();
        assertTrue(report.get("virtualMachine").isJsonNull(), json::toString);
        assertTrue(report.getAsJsonArray("results").get(0).getAsJsonObject().get("emulated").isJsonNull(), json::toString);
        CliRun text = CliRun.of(host, "bench", "--provider", "cpu", "--sizes", "64", "--duration", "50ms");
        assertFalse(text.out().contains("*") || text.out().contains("emulat") || text.out().contains("virtual machine"), text.out());
    }
}
