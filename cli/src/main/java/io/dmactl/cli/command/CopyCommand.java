package io.dmactl.cli.command;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.JsonMixin;
import io.dmactl.cli.VerboseMixin;
import io.dmactl.cli.copy.CopyExecution;
import io.dmactl.core.device.UioDeviceSource;
import io.dmactl.cli.copy.CopyOutcome;
import io.dmactl.cli.copy.TransferPlan;
import io.dmactl.cli.host.Emulation;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.location.ByteCount;
import io.dmactl.cli.location.LocationSpec;
import io.dmactl.cli.output.HumanUnits;
import io.dmactl.cli.output.Json;
import io.dmactl.cli.output.JsonRecord;
import io.dmactl.core.TransferResult;
import io.dmactl.vfio.pci.PciAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code dmactl copy}: one transfer between any two locations. */
@Command(name = "copy",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        headerHeading = "",
        header = "Copy bytes between two locations with a DMA engine.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
                "The dispatcher picks an engine that can reach both ends (or the one --provider names):"
                        + " a device's own engine for its private memory, the cpu engine for host memory when"
                        + " nothing else is needed. Locations (SRC and DST):",
                "",
                "  mem[:SIZE][+OFFSET]       a fresh host DMA buffer; as SRC it holds a fixed",
                "                            pseudo-random pattern. SIZE: what the copy needs.",
                "  file:PATH                 a host file, read into a DMA buffer (SRC) or written",
                "                            from one once the copy succeeded (DST). No offset:",
                "                            everything after 'file:' is the path.",
                "  ADDR/barN[+OFFSET]        BAR N (0-5) of PCI function ADDR, a device window:",
                "                            0000:00:03.0/bar2+0x1000",
                "  ADDR/dev[:NAME][+OFFSET]  memory only ADDR's own engine reaches (the edu",
                "                            buffer, an NVMe namespace): 0000:00:02.0/dev+0",
                "",
                "ADDR is 0000:00:03.0 or 00:03.0. SIZE and OFFSET: 4096, 0x1000, 4K, 64K, 1M, 1G (binary:"
                        + " 1K = 1024). Without --size the length comes from a SRC file or a sized mem: buffer.",
                "Sizes and offsets are checked against each end (buffer size, file length, BAR size) before"
                        + " anything is opened."},
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILURE_LINE, ExitCodes.USAGE_LINE, ExitCodes.NOT_FOUND_LINE,
                ExitCodes.PERMISSION_LINE, ExitCodes.UNAVAILABLE_LINE, ExitCodes.INTERNAL_LINE},
        footerHeading = "%nExamples:%n",
        footer = {
                "  host to host, on the cpu engine:",
                "    dmactl copy mem mem --size 1M --verify",
                "  host to host, the dispatcher choosing between cpu and the testbed's LSI SCRIPTS engine, and saying why:",
                "    dmactl copy mem:1M mem --device 0000:00:05.0 --verify --verbose",
                "  a file into the edu device's buffer (the testbed's edu is 0000:00:02.0):",
                "    dmactl copy file:/tmp/in.bin 0000:00:02.0/dev+0 --verify",
                "  peer to peer: edu's buffer into ivshmem's BAR2 (edu moves at most 4095 bytes):",
                "    dmactl copy 0000:00:02.0/dev+0 0000:00:03.0/bar2 --size 4000",
                "  4 KiB from 256 bytes into a 64 KiB buffer, out to a file, as JSON:",
                "    dmactl copy mem:64K+0x100 file:/tmp/out.bin --size 4K --provider cpu --json"})
public final class CopyCommand implements Callable<Integer> {

    /**
     * What {@code copy} did, for {@code --json}; {@code reason} is why the runtime ended an aborted
     * copy when it knows more than the status (e.g. the engine was retired), else null.
     */
    public record CopyReport(String source, String destination, long lengthBytes, String engine, String status,
                             Optional<String> reason, int deviceCode, long latencyNanos, Optional<Double> gigabytesPerSecond,
                             Optional<Boolean> verified, OptionalLong firstMismatchOffset, Optional<String> emulated)
            implements JsonRecord {
    }

    private final HostSystem host;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", converter = LocationConverter.class,
            description = "Where the bytes come from (forms above).")
    private LocationSpec source;

    @Parameters(index = "1", paramLabel = "DST", converter = LocationConverter.class,
            description = "Where they go (forms above).")
    private LocationSpec destination;

    @Option(names = {"-s", "--size"}, paramLabel = "SIZE", converter = ByteCountConverter.class,
            description = "How many bytes, e.g. 4096, 0x1000, 64K, 1M.")
    private Long size;

    @Option(names = {"-p", "--provider"}, paramLabel = "PROVIDER", completionCandidates = ProviderNames.class,
            description = "Use this provider's engine (e.g. cpu, edu) instead of letting the dispatcher choose.")
    private String provider;

    @Option(names = "--device", paramLabel = "ADDR", split = ",", converter = PciAddressConverter.class,
            description = "Also open the engine of this device (it is reset) though no end is on it, so the dispatcher"
                    + " may choose it, e.g. a hardware engine for a host-to-host copy (repeatable).")
    private List<PciAddress> alsoOpen = new ArrayList<>();

    @Option(names = "--verify",
            description = "Afterwards compare source and destination byte for byte through CPU views"
                    + " (device memory the CPU cannot reach is read back by its engine first).")
    private boolean verify;

    @Option(names = "--no-iommu",
            description = "Drive devices bound to uio_pci_generic (no IOMMU; see 'dmactl bind --no-iommu'): the device"
                    + " can then write anywhere in memory, and a wrong address corrupts the kernel. Needs root.")
    private boolean noIommu;

    @Mixin
    private JsonMixin json;

    @Mixin
    private VerboseMixin verbose;

    CopyCommand(HostSystem host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public Integer call() {
        if (noIommu) {
            String notRoot = UioDeviceSource.notRootReason();
            if (notRoot != null) {
                throw new DmactlException(ExitCodes.PERMISSION, "--no-iommu: " + notRoot);
            }
        }
        TransferPlan plan = TransferPlan.check(source, destination,
                size == null ? OptionalLong.empty() : OptionalLong.of(size), host.sysfs(), host.providers());
        PrintWriter err = spec.commandLine().getErr();
        CopyExecution execution = new CopyExecution(host.sysfs(), host.providers(), Optional.ofNullable(provider),
                java.util.Set.copyOf(alsoOpen), note -> {
            if (verbose.isVerbose()) {
                err.println("dmactl copy: " + note);
                err.flush();
            }
        });
        execution.devicesMayWriteAnywhereInMemory(noIommu);
        CopyOutcome outcome = execution.run(plan, verify);
        report(plan, outcome);
        TransferResult result = outcome.result();
        if (!result.isSuccess()) {
            throw new DmactlException(ExitCodes.FAILURE, "the copy " + plan.source().shown() + " -> " + plan.destination().shown()
                    + " ended with " + result.status() + (result.deviceCode() != 0 ? " (device code " + result.deviceCode() + ")" : "")
                    + " on engine " + result.engine() + result.reason().map(reason -> ": " + reason).orElse(""));
        }
        if (outcome.firstMismatch().isPresent()) {
            throw new DmactlException(ExitCodes.FAILURE, "verification failed: " + plan.destination().shown()
                    + " differs from " + plan.source().shown() + " first at byte " + outcome.firstMismatch().getAsLong()
                    + " of the " + plan.lengthBytes() + " copied");
        }
        return ExitCodes.OK;
    }

    private void report(TransferPlan plan, CopyOutcome outcome) {
        TransferResult result = outcome.result();
        Optional<Double> rate = result.latencyNanos() > 0
                ? Optional.of((double) plan.lengthBytes() / result.latencyNanos()) : Optional.empty();
        PrintWriter out = spec.commandLine().getOut();
        Optional<String> emulated = Emulation.of(host).engine(result.engine(), host.sysfs());
        if (json.enabled()) {
            out.println(Json.render(new CopyReport(plan.source().toString(), plan.destination().toString(),
                    plan.lengthBytes(), result.engine(), result.status().name().toLowerCase(Locale.ROOT),
                    result.reason(), result.deviceCode(), result.latencyNanos(), rate,
                    outcome.verified() ? Optional.of(outcome.firstMismatch().isEmpty()) : Optional.empty(),
                    outcome.firstMismatch(), emulated)));
        } else if (result.isSuccess()) {
            String size = ByteCount.format(plan.lengthBytes());
            out.println("copied " + (size.equals(Long.toString(plan.lengthBytes())) ? size + " bytes"
                    : size + " (" + plan.lengthBytes() + " bytes)") + " "
                    + plan.source().shown() + " -> " + plan.destination().shown() + " with engine " + result.engine() + " in "
                    + HumanUnits.duration(result.latencyNanos())
                    + (plan.lengthBytes() >= HumanUnits.MIN_BYTES_FOR_A_RATE
                        ? rate.map(value -> " (" + HumanUnits.rate(value) + ")").orElse("") : "")
                    + (outcome.verified() ? (outcome.firstMismatch().isEmpty() ? "; verified: identical"
                    : "; verification FAILED") : ""));
            emulated.ifPresent(reason -> out.println("(timed under emulation: " + reason + ")"));
        }
        out.flush();
    }
}
