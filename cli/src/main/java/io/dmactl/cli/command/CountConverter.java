package io.dmactl.cli.command;

import io.dmactl.cli.output.UserText;
import picocli.CommandLine;

import java.util.regex.Pattern;

/**
 * Whole-number options ({@code --batch}, {@code --depth}, {@code --timeout}): ASCII decimal
 * digits only. The default int conversion also takes a sign and other scripts' digits
 * ({@code ١٢٣} is 123 to {@link Integer#parseInt}); each command checks the range itself.
 */
final class CountConverter implements CommandLine.ITypeConverter<Integer> {

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

    @Override
    public Integer convert(String value) {
        String text = value.strip();
        if (DIGITS.matcher(text).matches()) {
            long number = Long.parseLong(text);
            if (number <= Integer.MAX_VALUE) {
                return (int) number;
            }
        }
        throw new CommandLine.TypeConversionException(UserText.quote(value)
                + " is not a count: give a whole number in digits 0-9, at most " + Integer.MAX_VALUE);
    }
}
