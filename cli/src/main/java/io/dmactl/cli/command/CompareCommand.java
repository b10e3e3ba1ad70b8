package io.dmactl.cli.command;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.JsonMixin;
import io.dmactl.cli.VerboseMixin;
import io.dmactl.cli.copy.CopyExecution;
import io.dmactl.cli.copy.TransferPlan;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.location.LocationSpec;
import io.dmactl.cli.output.Json;
import io.dmactl.cli.output.JsonRecord;
import io.dmactl.core.TransferResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code dmactl compare}: whether two locations hold the same bytes, compared by a DMA engine. */
@Command(name = "compare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        headerHeading = "",
        header = "Compare two locations byte for byte with a DMA engine.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
                "Like cmp(1), but the engine reads both ranges; nothing is written. Prints 'identical' or the"
                        + " offset of the first byte that differs (from the start of the compared ranges), and exits 1"
                        + " when they differ, so scripts can test it. The dispatcher picks an engine that offers COMPARE"
                        + " and reaches both (the cpu engine for host memory and windows).",
                "A and B take the forms of 'dmactl copy': mem[:SIZE][+OFFSET] (a fresh buffer holding dmactl's"
                        + " fixed pseudo-random pattern, the same in every buffer), file:PATH, ADDR/barN[+OFFSET],"
                        + " ADDR/dev[:NAME][+OFFSET]. A compare is one op, never split: a length beyond the engine's"
                        + " largest op is refused, naming it."},
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the ranges are identical", "1:they differ (or the compare failed: see the message)",
                ExitCodes.USAGE_LINE, ExitCodes.NOT_FOUND_LINE, ExitCodes.PERMISSION_LINE, ExitCodes.UNAVAILABLE_LINE,
                ExitCodes.INTERNAL_LINE},
        footerHeading = "%nExamples:%n",
        footer = {
                "  two files:",
                "    dmactl compare file:/tmp/a.bin file:/tmp/b.bin",
                "  what a copy left in ivshmem's BAR2 against the file it came from, as JSON:",
                "    dmactl compare file:/tmp/in.bin 0000:00:03.0/bar2 --json",
                "  only the first 4 KiB, from offset 0x100 of the second:",
                "    dmactl compare file:/tmp/a.bin file:/tmp/b.bin+0x100 --size 4K"})
public final class CompareCommand implements Callable<Integer> {

    /**
     * What {@code compare} found, for {@code --json}: {@code identical} and {@code firstDifferenceOffset}
     * are absent (null) when the compare did not succeed.
     */
    public record CompareReport(String first, String second, long lengthBytes, String engine, String status,
                                Optional<String> reason, int deviceCode, long latencyNanos, Optional<Boolean> identical,
                                OptionalLong firstDifferenceOffset) implements JsonRecord {
    }

    private final HostSystem host;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", converter = LocationConverter.class, description = "The first range (forms above).")
    private LocationSpec first;

    @Parameters(index = "1", paramLabel = "B", converter = LocationConverter.class, description = "The second range.")
    private LocationSpec second;

    @Option(names = {"-s", "--size"}, paramLabel = "SIZE", converter = ByteCountConverter.class,
            description = "How many bytes, e.g. 4096, 0x1000, 64K (default: a file's length or a sized buffer's).")
    private Long size;

    @Option(names = {"-p", "--provider"}, paramLabel = "PROVIDER", completionCandidates = ProviderNames.class,
            description = "Use this provider's engine (e.g. cpu) instead of letting the dispatcher choose.")
    private String provider;

    @Mixin
    private JsonMixin json;

    @Mixin
    private VerboseMixin verbose;

    CompareCommand(HostSystem host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public Integer call() {
        TransferPlan plan = TransferPlan.checkReadOnly(first, second, size == null ? OptionalLong.empty() : OptionalLong.of(size),
                host.sysfs(), host.providers());
        PrintWriter err = spec.commandLine().getErr();
        CopyExecution execution = new CopyExecution(host.sysfs(), host.providers(), Optional.ofNullable(provider), note -> {
            if (verbose.isVerbose()) {
                err.println("dmactl compare: " + note);
                err.flush();
            }
        });
        TransferResult result = execution.compare(plan);
        boolean ok = result.isSuccess();
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            out.println(Json.render(new CompareReport(plan.source().toString(), plan.destination().toString(), plan.lengthBytes(),
                    result.engine(), result.status().name().toLowerCase(Locale.ROOT), result.reason(), result.deviceCode(),
                    result.latencyNanos(), ok ? Optional.of(result.equal()) : Optional.empty(),
                    ok && !result.equal() ? OptionalLong.of(result.firstDifferenceOffset()) : OptionalLong.empty())));
        } else if (ok) {
            String ranges = plan.source().shown() + " and " + plan.destination().shown() + " (" + plan.lengthBytes() + " bytes, engine "
                    + result.engine() + ")";
            out.println(result.equal() ? "identical: " + ranges
                    : "differ: " + ranges + " first differ at byte " + result.firstDifferenceOffset());
        }
        out.flush();
        if (!ok) {
            throw new DmactlException(ExitCodes.FAILURE, "the compare of " + plan.source().shown() + " and " + plan.destination().shown()
                    + " ended with " + result.status() + (result.deviceCode() != 0 ? " (device code " + result.deviceCode() + ")" : "")
                    + " on engine " + result.engine() + result.reason().map(reason -> ": " + reason).orElse(""));
        }
        return result.equal() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
