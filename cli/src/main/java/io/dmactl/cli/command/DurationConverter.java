package io.dmactl.cli.command;

import io.dmactl.cli.output.UserText;
import picocli.CommandLine;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --duration}: 10s, 200ms, 1.5s, 2m, 500us; a bare number is seconds. Converts to
 * nanoseconds. Only plain decimal numbers: not Java's other double spellings (10d, 1e3, 0x1p4,
 * NaN), which would be read as a number of seconds whatever the user meant by them.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Long> {

    static final long MIN_NANOS = 1_000_000L;
    static final long MAX_NANOS = 3_600_000_000_000L;

    private static final Pattern FORM = Pattern.compile("([0-9]{1,30}(?:\\.[0-9]{1,30})?)(ms|us|s|m)?");

    @Override
    public Long convert(String value) {
        Matcher matcher = FORM.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new CommandLine.TypeConversionException(UserText.quote(value)
                    + " is not a duration; give e.g. 10s, 200ms, 1.5s or 2m");
        }
        long unitNanos = switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
            case "ms" -> 1_000_000L;
            case "us" -> 1_000L;
            case "m" -> 60_000_000_000L;
            default -> 1_000_000_000L;
        };
        // Exact decimal arithmetic: no digit string can overflow or round into the range.
        BigDecimal nanos = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(unitNanos));
        if (nanos.compareTo(BigDecimal.valueOf(MIN_NANOS)) < 0 || nanos.compareTo(BigDecimal.valueOf(MAX_NANOS)) > 0) {
            throw new CommandLine.TypeConversionException("duration " + UserText.quote(value)
                    + " is out of range: from 1ms to 60m");
        }
        return nanos.longValue();
    }
}
