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

/** {@code dmactl crc}: the CRC-32C of one location, computed by a DMA engine. */
@Command(name = "crc",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        headerHeading = "",
        header = "Compute the CRC-32C of a location with a DMA engine.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
                "CRC-32C (Castagnoli), the value java.util.zip.CRC32C, iSCSI and ext4 use, printed as 8 hex"
                        + " digits. The engine only reads the location. The dispatcher picks an engine that offers"
                        + " CRC-32C and reaches the location (the cpu engine always does for host memory and windows).",
                "LOCATION takes the forms of 'dmactl copy': mem[:SIZE][+OFFSET] (a fresh buffer holding dmactl's"
                        + " fixed pseudo-random pattern), file:PATH, ADDR/barN[+OFFSET], ADDR/dev[:NAME][+OFFSET].",
                "--seed continues a CRC: the CRC of A followed by B is 'crc B --seed <crc of A>'. A CRC is"
                        + " one op, never split: a length beyond the engine's largest op is refused, naming it."},
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILURE_LINE, ExitCodes.USAGE_LINE, ExitCodes.NOT_FOUND_LINE,
                ExitCodes.PERMISSION_LINE, ExitCodes.UNAVAILABLE_LINE, ExitCodes.INTERNAL_LINE},
        footerHeading = "%nExamples:%n",
        footer = {
                "  a file's CRC (what java.util.zip.CRC32C gives for its bytes):",
                "    dmactl crc file:/tmp/in.bin",
                "  the first 4 KiB of ivshmem's BAR2, as JSON:",
                "    dmactl crc 0000:00:03.0/bar2 --size 4K --json",
                "  continue from the CRC of what came before:",
                "    dmactl crc file:/tmp/part2.bin --seed 0x1d2f3a4b"})
public final class CrcCommand implements Callable<Integer> {

    /** What {@code crc} computed, for {@code --json}: the CRC as a number and as 8 hex digits. */
    public record CrcReport(String location, long lengthBytes, long seed, String engine, String status, Optional<String> reason,
                            int deviceCode, long latencyNanos, OptionalLong crc32c, Optional<String> crc32cHex)
            implements JsonRecord {
    }

    private final HostSystem host;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LOCATION", converter = LocationConverter.class,
            description = "What to checksum (forms above).")
    private LocationSpec location;

    @Option(names = {"-s", "--size"}, paramLabel = "SIZE", converter = ByteCountConverter.class,
            description = "How many bytes, e.g. 4096, 0x1000, 64K (default: a file's length or a sized buffer's).")
    private Long size;

    @Option(names = "--seed", paramLabel = "CRC", converter = SeedConverter.class,
            description = "The CRC-32C of the data before LOCATION, 0 to 0xffffffff (default 0: start afresh).")
    private long seed;

    @Option(names = {"-p", "--provider"}, paramLabel = "PROVIDER", completionCandidates = ProviderNames.class,
            description = "Use this provider's engine (e.g. cpu) instead of letting the dispatcher choose.")
    private String provider;

    @Mixin
    private JsonMixin json;

    @Mixin
    private VerboseMixin verbose;

    CrcCommand(HostSystem host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public Integer call() {
        TransferPlan plan = TransferPlan.checkReadOnly(location, size == null ? OptionalLong.empty() : OptionalLong.of(size),
                host.sysfs(), host.providers());
        PrintWriter err = spec.commandLine().getErr();
        CopyExecution execution = new CopyExecution(host.sysfs(), host.providers(), Optional.ofNullable(provider), note -> {
            if (verbose.isVerbose()) {
                err.println("dmactl crc: " + note);
                err.flush();
            }
        });
        TransferResult result = execution.crc32c(plan, seed);
        PrintWriter out = spec.commandLine().getOut();
        OptionalLong crc = result.isSuccess() ? OptionalLong.of(result.crc32c()) : OptionalLong.empty();
        if (json.enabled()) {
            out.println(Json.render(new CrcReport(plan.source().toString(), plan.lengthBytes(), seed, result.engine(),
                    result.status().name().toLowerCase(Locale.ROOT), result.reason(), result.deviceCode(), result.latencyNanos(),
                    crc, crc.isPresent() ? Optional.of(hex(crc.getAsLong())) : Optional.empty())));
        } else if (result.isSuccess()) {
            out.println(hex(result.crc32c()) + "  " + plan.source().shown() + " (" + plan.lengthBytes() + " bytes"
                    + (seed != 0 ? ", seed " + hex(seed) : "") + ", engine " + result.engine() + ")");
        }
        out.flush();
        if (!result.isSuccess()) {
            throw new DmactlException(ExitCodes.FAILURE, "the CRC of " + plan.source().shown() + " ended with " + result.status()
                    + (result.deviceCode() != 0 ? " (device code " + result.deviceCode() + ")" : "") + " on engine "
                    + result.engine() + result.reason().map(reason -> ": " + reason).orElse(""));
        }
        return ExitCodes.OK;
    }

    /** {@code --seed}: a CRC-32C value, decimal or 0x-hex, 0 to 0xffffffff; nothing else (no sign, no size suffix). */
    static final class SeedConverter implements picocli.CommandLine.ITypeConverter<Long> {
        private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("0[xX]([0-9a-fA-F]{1,8})");
        private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("[0-9]{1,10}");

        @Override
        public Long convert(String value) {
            java.util.regex.Matcher hex = HEX.matcher(value);
            long seed = hex.matches() ? Long.parseLong(hex.group(1), 16) : DECIMAL.matcher(value).matches() ? Long.parseLong(value) : -1;
            if (seed < 0 || seed > 0xFFFF_FFFFL) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a CRC-32C: give 0 to 0xffffffff"
                        + " (decimal or 0x-hex), e.g. the value an earlier 'dmactl crc' printed as 0x1d2f3a4b");
            }
            return seed;
        }
    }

    private static String hex(long crc) {
        return String.format(Locale.ROOT, "%08x", crc);
    }
}
