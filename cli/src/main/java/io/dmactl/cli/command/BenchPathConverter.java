package io.dmactl.cli.command;

import io.dmactl.cli.bench.BenchPath;
import io.dmactl.cli.output.UserText;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;

/** {@code bench --path}: {@code raw}, {@code runtime} or {@code stream}, in any case. Also the completion candidates. */
final class BenchPathConverter implements CommandLine.ITypeConverter<BenchPath>, Iterable<String> {

    @Override
    public BenchPath convert(String value) {
        String wanted = value.strip().toLowerCase(Locale.ROOT);
        for (BenchPath path : BenchPath.values()) {
            if (path.label().equals(wanted)) {
                return path;
            }
        }
        throw new CommandLine.TypeConversionException("unknown path " + UserText.quote(value) + ": expected raw (the"
                + " bench thread owns the engine's channel), runtime (through DmaRuntime's callbacks) or stream (through"
                + " a DmaStream)");
    }

    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(BenchPath.values()).map(BenchPath::label).iterator();
    }
}
