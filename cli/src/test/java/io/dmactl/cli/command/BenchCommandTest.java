package io.dmactl.cli.command;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
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
        long start = System.nanoTime();
        CliRun run = CliRun.of(host, "bench", "--provider", "cpu", "--sizes", "64,64K", "--duration", "200ms", "--json");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        // Two sizes, each 200 ms + 20 ms warm-up for the engine and again for the baseline.
        assertTrue(seconds >= 0.8, "bench ran only " + seconds + " s");
        JsonObject report = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals(0.2, report.get("durationSeconds").getAsDouble(), 1e-9);
        assertEquals(4, report.get("depth").getAsInt());
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
        assertEquals("100 ms per point, depth 32, batch 8, through DmaRuntime callbacks", lines[0]);
        assertTrue(lines[1].startsWith("ENGINE  DIRECTION   SIZE  OPS"), lines[1]);
        assertTrue(lines[2].matches("cpu +host->host +4K +\\d+ +[0-9.]+ +.* %"), lines[2]);
        assertTrue(lines[3].matches("cpu +host->host +1M +\\d+ +[0-9.]+ +.* %"), lines[3]);
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
                new Case(new String[] {"--chart", temporary.resolve("b.png").toString()}, "charts are written as SVG"))) {
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

}
