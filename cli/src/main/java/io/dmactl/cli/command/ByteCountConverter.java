package io.dmactl.cli.command;

import io.dmactl.cli.location.ByteCount;
import io.dmactl.cli.location.LocationSyntaxException;
import picocli.CommandLine;

/** Size options ({@code --size 64K}): see {@link ByteCount} for the forms. Zero is refused. */
final class ByteCountConverter implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            long bytes = ByteCount.parse(value, "size");
            if (bytes == 0) {
                throw new CommandLine.TypeConversionException("a size of 0 bytes moves nothing; give at least 1");
            }
            return bytes;
        } catch (LocationSyntaxException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
