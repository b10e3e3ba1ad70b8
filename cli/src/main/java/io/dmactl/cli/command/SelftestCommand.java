package io.dmactl.cli.command;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.JsonMixin;
import io.dmactl.cli.VerboseMixin;
import io.dmactl.cli.engines.EngineSession;
import io.dmactl.cli.host.Emulation;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.location.WindowSpec;
import io.dmactl.cli.output.EmulationMarks;
import io.dmactl.cli.output.Json;
import io.dmactl.cli.output.JsonRecord;
import io.dmactl.cli.output.Table;
import io.dmactl.cli.selftest.EngineSelftest;
import io.dmactl.cli.selftest.RouteSummary;
import io.dmactl.cli.selftest.SelftestRoute;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.location.DmaBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import io.dmactl.core.device.UioDeviceSource;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code dmactl selftest}: every engine, every route it offers, every byte checked. */
@Command(name = "selftest",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        headerHeading = "",
        header = "Check every DMA engine in every direction it offers, byte for byte (like Linux's dmatest).",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
                "Opens the engines of the providers (all, or those --provider names): the cpu engine always,"
                        + " and the engine of every device a provider drives that is bound to vfio-pci. Opening a"
                        + " device engine resets the device: selftest is meant for devices you bound for dmactl.",
                "",
                "For each engine it runs every route the engine declares it can serve:",
                "  host->host, fill host        host buffer to host buffer; a pattern fill",
                "  host->window, window->host   with --window (a BAR, e.g. ivshmem's memory)",
                "  host->dev->host              into the engine's private memory, read back",
                "  window->dev->host            peer to peer into private memory, read back",
                "  host->dev->window            into private memory, then out to the window",
                "  host->dev->dev->host         into private memory, copied within it (e.g. an",
                "                               NVMe Copy), read back; engines whose private",
                "                               copy limit (maxPrivateCopyBytes) is 0 skip it",
                "Each case moves a fresh pseudo-random pattern; lengths from 1 byte to 1 MiB, offsets"
                        + " that straddle words and pages, rounded to what the engine requires (alignment,"
                        + " granularity, largest transfer). The destination must equal the source and the"
                        + " 64 guard bytes either side must be untouched. Software engines run the whole"
                        + " matrix; device engines two cases per route (QEMU's edu takes ~100 ms per op).",
                "",
                "A --window BAR is written: name only memory that is yours to overwrite."},
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILURE_LINE, ExitCodes.USAGE_LINE, ExitCodes.NOT_FOUND_LINE,
                ExitCodes.PERMISSION_LINE, ExitCodes.UNAVAILABLE_LINE, ExitCodes.INTERNAL_LINE},
        footerHeading = "%nExamples:%n",
        footer = {
                "  the cpu engine only (any machine):",
                "    dmactl selftest --provider cpu",
                "  every engine, with ivshmem's BAR2 for the window and peer-to-peer routes:",
                "    dmactl selftest --window 0000:00:03.0/bar2",
                "  nvme's namespace, with a Copy inside it (the testbed's nvme is 0000:00:04.0):",
                "    dmactl selftest --provider nvme",
                "  as JSON:",
                "    dmactl selftest --provider cpu,edu --json"})
public final class SelftestCommand implements Callable<Integer> {

    /** What selftest found, for {@code --json}. */
    public record SelftestReport(List<String> engines, List<String> windows, List<RouteSummary> results,
                                 List<String> failures, boolean passed, Optional<String> virtualMachine) implements JsonRecord {
    }

    private static final long POOL_LIMIT_BYTES = 256L << 20;

    private final HostSystem host;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-p", "--provider"}, paramLabel = "PROVIDER", split = ",", completionCandidates = ProviderNames.class,
            description = "Test only these providers' engines (e.g. cpu or cpu,edu); default: all.")
    private List<String> providers = new ArrayList<>();

    @Option(names = {"-w", "--window"}, paramLabel = "ADDR/barN", converter = WindowConverter.class,
            description = "A device BAR (bound to vfio-pci) to use as the window end; repeatable. It is overwritten.")
    private List<WindowSpec> windows = new ArrayList<>();

    @Option(names = "--no-iommu",
            description = "Test the engines of devices bound to uio_pci_generic (no IOMMU) instead of vfio-pci ones:"
                    + " the device can then write anywhere in memory, and a wrong address corrupts the kernel. Needs root.")
    private boolean noIommu;

    @Mixin
    private JsonMixin json;

    @Mixin
    private VerboseMixin verbose;

    SelftestCommand(HostSystem host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public Integer call() {
        ProviderNames.requireNamedIfGiven(spec, providers);
        if (noIommu) {
            String notRoot = UioDeviceSource.notRootReason();
            if (notRoot != null) {
                throw new DmactlException(ExitCodes.PERMISSION, "--no-iommu: " + notRoot);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<RouteSummary> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> engineNames = new ArrayList<>();
        try (EngineSession session = EngineSession.open(host.sysfs(), host.providers(), providers, windows,
                POOL_LIMIT_BYTES, false, noIommu, this::note);
             DmaBuffer source = session.runtime().allocate(EngineSelftest.HOST_BUFFER_BYTES);
             DmaBuffer destination = session.runtime().allocate(EngineSelftest.HOST_BUFFER_BYTES)) {
            EngineSelftest selftest = new EngineSelftest(session.runtime(), source, destination, failures::add);
            Optional<EngineSession.NamedWindow> window = session.windows().stream().findFirst();
            for (EngineInfo engine : session.engines()) {
                engineNames.add(engine.name());
                for (SelftestRoute route : EngineSelftest.routes(engine, window.isPresent())) {
                    if (!json.enabled() && verbose.isVerbose()) {
                        err.println("dmactl selftest: " + engine.name() + " " + route + "...");
                        err.flush();
                    }
                    results.add(selftest.run(engine, route, window));
                }
            }
        } catch (IllegalArgumentException e) {
            // The core refused a request before touching anything (e.g. a window too small for
            // the engine's alignment): the command line asked for something this machine cannot do.
            throw new DmactlException(ExitCodes.USAGE, e.getMessage(), e);
        }
        boolean passed = failures.isEmpty() && results.stream().allMatch(result -> result.failures() == 0);
        Emulation emulation = Emulation.of(host);
        results = results.stream().map(result -> result.withEmulated(emulation.engine(result.engine(), host.sysfs()))).toList();
        if (json.enabled()) {
            out.println(Json.render(new SelftestReport(engineNames,
                    windows.stream().map(WindowSpec::toString).toList(), results, failures, passed,
                    emulation.virtualMachine())));
        } else {
            printTable(out, results);
            EmulationMarks.footnotes(results.stream().map(result -> Map.entry(result.engine(), result.emulated())).toList())
                    .forEach(out::println);
            emulation.virtualMachine().ifPresent(vm -> out.println("(measured in " + vm + ")"));
            failures.forEach(failure -> out.println("FAILED: " + failure));
            long ops = results.stream().mapToLong(RouteSummary::ops).sum();
            out.println(passed ? "selftest passed: " + ops + " ops on " + engineNames.size() + " engine(s), every byte checked"
                    : "selftest FAILED: " + results.stream().mapToInt(RouteSummary::failures).sum() + " failed case(s)");
            if (windows.isEmpty()) {
                out.println("(no --window given: the window and peer-to-peer routes were not run)");
            }
        }
        out.flush();
        if (!passed) {
            throw new DmactlException(ExitCodes.FAILURE, "selftest failed: " + results.stream()
                    .filter(result -> result.failures() > 0)
                    .map(result -> result.engine() + " " + result.direction() + " (" + result.failures() + " of "
                            + result.cases() + ")").toList());
        }
        return ExitCodes.OK;
    }

    private void note(String text) {
        if (verbose.isVerbose()) {
            spec.commandLine().getErr().println("dmactl selftest: " + text);
            spec.commandLine().getErr().flush();
        }
    }

    private static void printTable(PrintWriter out, List<RouteSummary> results) {
        // One unit per column, named in the header when it is not a count.
        Table table = new Table("ENGINE", "DIRECTION", "CASES", "OPS", "BYTES", "FAILURES", "TIME_MS");
        for (RouteSummary result : results) {
            table.row(EmulationMarks.engineCell(result.engine(), result.emulated()), result.direction(),
                    Integer.toString(result.cases()), Long.toString(result.ops()),
                    Long.toString(result.bytes()), Integer.toString(result.failures()),
                    String.format(Locale.ROOT, "%.1f", result.timeNanos() / 1e6));
        }
        table.print(out);
    }
}
