package io.dmactl.cli.command;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.JsonMixin;
import io.dmactl.cli.VerboseMixin;
import io.dmactl.cli.bench.BaselinePoint;
import io.dmactl.cli.bench.BenchPath;
import io.dmactl.cli.bench.BenchPoint;
import io.dmactl.cli.bench.BenchRun;
import io.dmactl.cli.bench.ProgressLine;
import io.dmactl.cli.bench.ThroughputChart;
import io.dmactl.cli.engines.EngineSession;
import io.dmactl.cli.host.Emulation;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.location.ByteCount;
import io.dmactl.cli.output.EmulationMarks;
import io.dmactl.cli.output.Json;
import io.dmactl.cli.output.JsonRecord;
import io.dmactl.cli.output.Table;
import io.dmactl.cli.output.UserText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code dmactl bench}: throughput and latency per engine and size, against MemorySegment.copy. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        headerHeading = "",
        header = "Measure DMA engines: throughput and latency per transfer size, against a plain CPU copy.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
                "For each engine of the providers (all, or those --provider names; opening a device engine"
                        + " resets the device) and each size: --depth copies kept in flight, --batch of them"
                        + " handed over at a time, for --duration after a warm-up of a tenth of it (at most 1 s)."
                        + " An engine that copies host to host is measured host->host; one that needs its own"
                        + " memory at one end (edu) host->dev. Sizes an engine cannot take are clamped to its"
                        + " limits and rounded to its unit (edu: at most 4095 bytes), and the output says so.",
                "",
                "Reported per engine and size: GB/s (10^9 bytes/s), ops/s, the round trip of an op in"
                        + " microseconds (p50, p99, p99.9, from an HdrHistogram allocated before the run, 3 significant"
                        + " digits), on the raw path also the submit-side cost in ns per op, and the ratio to"
                        + " MemorySegment.copy of the same size measured in the same run. Every status is"
                        + " checked; a failed op or wrong bytes end with exit 1.",
                "",
                "--path says how the engines are driven, and the output says which was measured:",
                "  raw (default): what the engine can do. The bench thread owns the engine's channel 0"
                        + " (DmaRuntime.claimChannel; no channel worker, dispatch or watchdog in between): it"
                        + " enqueues --batch copies, rings one doorbell and polls, with --depth in flight (at most"
                        + " the ring). Round trip: from before its batch's first enqueue to the poll that saw it."
                        + " Submit side: the bench thread's time in enqueue and submit, per op (what DPDK's"
                        + " dmadev figures measure). The destination's bytes are checked after each size.",
                "  runtime: what a DmaRuntime client sees. Copies go through the runtime's callback API"
                        + " (with --batch > 1, DmaRuntime.batch()), run to completion: the bench thread submits"
                        + " (writing into the ring itself when the channel is free) and harvests with"
                        + " DmaTransfers.poll(), so callbacks run on it; dispatch, admission, pinning and the"
                        + " callback are included. Round trip: the runtime's submission-to-completion time. The"
                        + " measuring loop allocates nothing per op; the runtime allocates a result per callback.",
                "  stream: what a client that moves many pieces between the same buffers sees. A DmaStream"
                        + " over the source and destination (pinned and mapped once when it opens, not per copy):"
                        + " --batch copies staged, one doorbell, the bench thread polling the stream; admission"
                        + " and the completion handler are included, nothing is allocated per op. Round trip: from"
                        + " the batch's submit to the harvest that saw it.",
                "The bare channel is also measured by bench/ (JMH) in the source tree.",
                "",
                "On a terminal a progress line shows on stderr; --chart writes throughput against size as SVG."},
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILURE_LINE, ExitCodes.USAGE_LINE, ExitCodes.NOT_FOUND_LINE,
                ExitCodes.PERMISSION_LINE, ExitCodes.UNAVAILABLE_LINE, ExitCodes.INTERNAL_LINE},
        footerHeading = "%nExamples:%n",
        footer = {
                "  the cpu engine, 64 B to 1 MiB, 10 s per size:",
                "    dmactl bench --provider cpu",
                "  a quick look at every engine, with a chart:",
                "    dmactl bench --duration 500ms --chart /tmp/dmactl-bench.svg",
                "  32 copies per doorbell, 256 in flight, as JSON:",
                "    dmactl bench --provider cpu --sizes 64,4K --batch 32 --depth 256 --json",
                "  the same engine through the runtime, as a DmaRuntime client sees it:",
                "    dmactl bench --provider cpu --sizes 64,4K --path runtime",
                "  through a stream, 32 copies per doorbell:",
                "    dmactl bench --provider cpu --sizes 64,4K --path stream --batch 32 --depth 64"})
public final class BenchCommand implements Callable<Integer> {

    /** What bench measured, for {@code --json}. */
    public record BenchReport(double durationSeconds, int batch, int depth, BenchPath path, String api,
                              List<BenchPoint> results, List<BaselinePoint> baseline, List<String> notes,
                              Optional<String> virtualMachine) implements JsonRecord {
    }

    static final long MAX_SIZE_BYTES = 1L << 30;
    private static final long POOL_SLACK_BYTES = 64L << 20;

    private final HostSystem host;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-p", "--provider"}, paramLabel = "PROVIDER", split = ",", completionCandidates = ProviderNames.class,
            description = "Measure only these providers' engines (e.g. cpu or cpu,edu); default: all.")
    private List<String> providers = new ArrayList<>();

    @Option(names = {"-s", "--sizes"}, paramLabel = "SIZE", split = ",", converter = ByteCountConverter.class,
            description = "Transfer sizes, comma-separated (default: ${DEFAULT-VALUE}); at most 1G.",
            defaultValue = "64,4K,64K,1M")
    private List<Long> sizes;

    @Option(names = {"-b", "--batch"}, paramLabel = "N", defaultValue = "1", converter = CountConverter.class,
            description = "Copies handed to the engine together, one doorbell (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = {"-d", "--depth"}, paramLabel = "N", defaultValue = "4", converter = CountConverter.class,
            description = "Copies kept in flight, at least --batch (default: ${DEFAULT-VALUE}).")
    private int depth;

    @Option(names = "--path", paramLabel = "raw|runtime|stream", defaultValue = "raw", converter = BenchPathConverter.class,
            completionCandidates = BenchPathConverter.class,
            description = "raw: the bench thread owns each engine's channel (what the engine can do); runtime: through"
                    + " DmaRuntime's callbacks (what a client sees); stream: through a DmaStream (locations mapped"
                    + " once, one doorbell per batch). Default: ${DEFAULT-VALUE}.")
    private BenchPath path;

    @Option(names = {"-t", "--duration"}, paramLabel = "TIME", converter = DurationConverter.class, defaultValue = "10s",
            description = "Measuring time per engine and size, and for the baseline at each size: 10s, 200ms, 1.5s, 2m"
                    + " (default: ${DEFAULT-VALUE}).")
    private long durationNanos;

    @Option(names = "--chart", paramLabel = "FILE.svg",
            description = "Also write throughput against size as an SVG chart to this file.")
    private Path chart;

    @Mixin
    private JsonMixin json;

    @Mixin
    private VerboseMixin verbose;

    BenchCommand(HostSystem host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public Integer call() {
        ProviderNames.requireNamedIfGiven(spec, providers);
        checkOptions();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<ProgressLine> progress = System.console() != null && !json.enabled()
                ? Optional.of(new ProgressLine(err)) : Optional.empty();
        long poolBytes = 2 * BenchRun.bufferBytes(sizes) + POOL_SLACK_BYTES;
        BenchRun.Results results;
        try (EngineSession session = EngineSession.open(host.sysfs(), host.providers(), providers, List.of(),
                poolBytes, path == BenchPath.RAW, this::note)) {
            results = BenchRun.run(session, path, sizes, batch, depth, durationNanos, progress, this::note);
        } catch (IllegalArgumentException e) {
            throw new DmactlException(ExitCodes.USAGE, e.getMessage(), e);
        }
        Emulation emulation = Emulation.of(host);
        List<BenchPoint> points = results.points().stream()
                .map(point -> point.withEmulated(emulation.engine(point.engine(), host.sysfs()))).toList();
        if (json.enabled()) {
            out.println(Json.render(new BenchReport(durationNanos / 1e9, batch, depth, path, path.description(),
                    points, results.baseline(), results.notes(), emulation.virtualMachine())));
        } else {
            print(out, results, points, emulation);
        }
        out.flush();
        if (chart != null) {
            writeChart(results);
        }
        List<BenchPoint> failedPoints = results.points().stream().filter(BenchPoint::failed).toList();
        if (!failedPoints.isEmpty()) {
            throw new DmactlException(ExitCodes.FAILURE, "benchmark ops failed (" + path + " path): "
                    + failedPoints.stream().map(point -> point.engine() + " " + point.sizeBytes() + " B: " + point.failedOps()
                            + " of " + point.ops() + " failed" + point.firstFailure().map(first -> ", " + first).orElse(""))
                    .toList());
        }
        return ExitCodes.OK;
    }

    private void checkOptions() {
        for (long size : sizes) {
            if (size > MAX_SIZE_BYTES) {
                throw new DmactlException(ExitCodes.USAGE, "size " + ByteCount.format(size) + " (" + size
                        + " bytes) is too large for bench: at most 1G");
            }
        }
        if (batch < 1 || batch > 4096) {
            throw new DmactlException(ExitCodes.USAGE, "--batch " + batch + " is out of range: 1 to 4096");
        }
        if (depth < batch || depth > 65536) {
            throw new DmactlException(ExitCodes.USAGE, "--depth " + depth + " is out of range: from --batch (" + batch
                    + ") to 65536, since a batch is in flight as a whole");
        }
        if (chart != null) {
            String name = chart.getFileName() == null ? "" : chart.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!name.endsWith(".svg")) {
                throw new DmactlException(ExitCodes.USAGE, "--chart " + UserText.quote(chart.toString()) + ": charts are written as SVG; name the"
                        + " file *.svg");
            }
            Path directory = chart.toAbsolutePath().getParent();
            if (directory == null || !Files.isDirectory(directory)) {
                throw new DmactlException(ExitCodes.NOT_FOUND, "--chart " + UserText.quote(chart.toString()) + ": directory " + UserText.quote(String.valueOf(directory))
                        + " does not exist");
            }
            if (!Files.isWritable(directory) || (Files.exists(chart) && !Files.isWritable(chart))) {
                throw new DmactlException(ExitCodes.PERMISSION, "--chart " + UserText.quote(chart.toString()) + ": permission denied");
            }
        }
    }

    private void note(String text) {
        if (verbose.isVerbose()) {
            spec.commandLine().getErr().println("dmactl bench: " + text);
            spec.commandLine().getErr().flush();
        }
    }

    private void print(PrintWriter out, BenchRun.Results results, List<BenchPoint> points, Emulation emulation) {
        results.notes().forEach(line -> out.println("note: " + line));
        emulation.virtualMachine().ifPresent(vm -> out.println("note: measured in " + vm));
        out.println(String.format(Locale.ROOT, "%s per point, depth %d, batch %d, path %s: %s", seconds(durationNanos),
                depth, batch, path, path.description()));
        boolean raw = path == BenchPath.RAW;
        List<String> headers = new ArrayList<>(List.of("ENGINE", "DIRECTION", "SIZE", "OPS", "GB/S", "OPS/S"));
        if (raw) {
            headers.add("SUBMIT_NS/OP");
        }
        headers.addAll(List.of("RTT_P50_US", "RTT_P99_US", "RTT_P99.9_US", "VS_COPY_%"));
        Table table = new Table(headers.toArray(String[]::new));
        for (BenchPoint point : points) {
            List<String> row = new ArrayList<>(List.of(EmulationMarks.engineCell(point.engine(), point.emulated()),
                    point.direction(), ByteCount.format(point.sizeBytes()),
                    Long.toString(point.ops()), String.format(Locale.ROOT, "%.3f", point.gigabytesPerSecond()),
                    String.format(Locale.ROOT, "%.0f", point.opsPerSecond())));
            if (raw) {
                row.add(point.submitNanosPerOp().isPresent()
                        ? String.format(Locale.ROOT, "%.1f", point.submitNanosPerOp().getAsDouble()) : "-");
            }
            row.addAll(List.of(micros(point.p50Nanos()), micros(point.p99Nanos()), micros(point.p999Nanos()),
                    point.baselineRatio().map(BenchCommand::percent).orElse("-")));
            table.row(row.toArray(String[]::new));
        }
        table.print(out);
        out.println(raw ? "RTT: from before an op's batch is enqueued to the poll that saw it complete; SUBMIT: the"
                + " bench thread's time in enqueue+submit per op"
                : path == BenchPath.STREAM ? "RTT: from the stream's submit of an op's batch to the harvest that saw it complete"
                : "RTT: the runtime's submission-to-completion time of each op");
        EmulationMarks.footnotes(points.stream().map(point -> Map.entry(point.engine(), point.emulated())).toList())
                .forEach(out::println);
        out.println();
        out.println("baseline: MemorySegment.copy on this thread, same run");
        Table baseline = new Table("SIZE", "OPS", "GB/S", "OPS/S");
        for (BaselinePoint point : results.baseline()) {
            baseline.row(ByteCount.format(point.sizeBytes()), Long.toString(point.ops()),
                    String.format(Locale.ROOT, "%.3f", point.gigabytesPerSecond()),
                    String.format(Locale.ROOT, "%.0f", point.opsPerSecond()));
        }
        baseline.print(out);
    }

    private void writeChart(BenchRun.Results results) {
        String title = "dmactl bench: throughput, " + path + " path, depth " + depth + ", batch " + batch;
        try {
            Files.writeString(chart, ThroughputChart.render(results.points(), results.baseline(), title));
        } catch (IOException e) {
            throw new DmactlException(ExitCodes.FAILURE, "cannot write the chart to " + UserText.quote(chart.toString()) + ": " + e, e);
        }
        if (!json.enabled()) {
            spec.commandLine().getOut().println("chart: " + UserText.escape(chart.toString()));
            spec.commandLine().getOut().flush();
        }
    }

    /** A ratio as a percentage (the column's unit) with three significant digits at most: 98, 4.2, 0.0031. */
    private static String percent(double ratio) {
        double percent = ratio * 100;
        if (percent >= 10) {
            return String.format(Locale.ROOT, "%.0f", percent);
        }
        if (percent >= 1) {
            return String.format(Locale.ROOT, "%.1f", percent);
        }
        return new java.math.BigDecimal(percent).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString();
    }

    private static String seconds(long nanos) {
        return nanos >= 1_000_000_000L ? String.format(Locale.ROOT, "%.3g s", nanos / 1e9)
                : String.format(Locale.ROOT, "%d ms", nanos / 1_000_000);
    }

    /** Nanoseconds in microseconds, the latency columns' one unit: 0.115, 30.5, 108000. */
    private static String micros(OptionalLong nanos) {
        if (nanos.isEmpty()) {
            return "-";
        }
        double micros = nanos.getAsLong() / 1e3;
        return String.format(Locale.ROOT, micros < 10 ? "%.3f" : micros < 1000 ? "%.1f" : "%.0f", micros);
    }
}
