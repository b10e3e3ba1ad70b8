package io.dmactl.cli.command;

import io.dmactl.cli.location.LocationParser;
import io.dmactl.cli.location.LocationSpec;
import io.dmactl.cli.location.LocationSyntaxException;
import io.dmactl.cli.location.WindowSpec;
import io.dmactl.cli.output.UserText;
import picocli.CommandLine;

/** {@code --window ADDR/barN[+OFFSET]} of selftest and bench: a device BAR they may write. */
final class WindowConverter implements CommandLine.ITypeConverter<WindowSpec> {

    @Override
    public WindowSpec convert(String value) {
        LocationSpec location;
        try {
            location = LocationParser.parse(value);
        } catch (LocationSyntaxException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
        if (!(location instanceof WindowSpec window)) {
            throw new CommandLine.TypeConversionException(UserText.quote(value) + " is not a device window; a window is"
                    + " ADDR/barN[+OFFSET], e.g. 0000:00:03.0/bar2");
        }
        return window;
    }
}
