package io.dmactl.cli.command;

import picocli.CommandLine;

import java.util.Locale;

/** {@code --duration}: 10s, 200ms, 1.5s, 2m, 500us; a bare number is seconds. Converts to nanoseconds. */
final class DurationConverter implements CommandLine.ITypeConverter<Long> {

    static final long MIN_NANOS = 1_000_000L;
    static final long MAX_NANOS = 3_600_000_000_000L;

    @Override
    public Long convert(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        long unitNanos;
        String number;
        if (text.endsWith("ms")) {
            unitNanos = 1_000_000L;
            number = text.substring(0, text.length() - 2);
        } else if (text.endsWith("us")) {
            unitNanos = 1_000L;
            number = text.substring(0, text.length() - 2);
        } else if (text.endsWith("s")) {
            unitNanos = 1_000_000_000L;
            number = text.substring(0, text.length() - 1);
        } else if (text.endsWith("m")) {
            unitNanos = 60_000_000_000L;
            number = text.substring(0, text.length() - 1);
        } else {
            unitNanos = 1_000_000_000L;
            number = text;
        }
        double amount;
        try {
            amount = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration; give e.g. 10s, 200ms, 1.5s or 2m");
        }
        double nanos = amount * unitNanos;
        if (!(nanos >= MIN_NANOS && nanos <= MAX_NANOS)) {
            throw new CommandLine.TypeConversionException("duration '" + value + "' is out of range: from 1ms to 60m");
        }
        return (long) nanos;
    }
}
