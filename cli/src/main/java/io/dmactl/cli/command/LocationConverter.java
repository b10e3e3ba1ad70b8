package io.dmactl.cli.command;

import io.dmactl.cli.location.LocationParser;
import io.dmactl.cli.location.LocationSpec;
import io.dmactl.cli.location.LocationSyntaxException;
import picocli.CommandLine;

/** SRC and DST of {@code copy}: see {@link LocationParser} for the forms. */
final class LocationConverter implements CommandLine.ITypeConverter<LocationSpec> {

    @Override
    public LocationSpec convert(String value) {
        try {
            return LocationParser.parse(value);
        } catch (LocationSyntaxException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
