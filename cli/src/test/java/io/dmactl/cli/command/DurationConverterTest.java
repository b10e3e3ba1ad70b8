package io.dmactl.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void theDocumentedFormsConvertToNanoseconds() {
        assertEquals(10_000_000_000L, converter.convert("10s"));
        assertEquals(200_000_000L, converter.convert("200ms"));
        assertEquals(1_500_000_000L, converter.convert("1.5s"));
        assertEquals(120_000_000_000L, converter.convert("2m"));
        assertEquals(1_000_000L, converter.convert("1000us"));
        assertEquals(3_000_000_000L, converter.convert("3"), "a bare number is seconds");
        assertEquals(DurationConverter.MAX_NANOS, converter.convert("60m"));
        assertEquals(DurationConverter.MIN_NANOS, converter.convert("1ms"));
    }

    /** Java's other double spellings were read as seconds: "1e3" was a 17-minute run per point, "10d" 10 s. */
    @ParameterizedTest
    @ValueSource(strings = {"1e3", "1E3s", "10d", "10f", "0x1p4", "NaN", "Infinity", "-Infinity", "+5s", "-1s", ".5s", "5.s",
            "\u0661s", "\uff15s", "0x10", "", " ", "s", "ms", "5 s", "5h", "5sec"})
    void otherSpellingsAreRefusedNamingTheValue(String text) {
        CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert(text));
        assertTrue(e.getMessage().contains("is not a duration"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0s", "999us", "0.0009s", "60.000001m", "3601", "9223372036854775807",
            "99999999999999999999999999999s", "0.000000000000000000000000000001m"})
    void valuesOutOfRangeAreRefusedWithoutRoundingIn(String text) {
        CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert(text));
        assertTrue(e.getMessage().contains("is out of range: from 1ms to 60m"), e.getMessage());
    }
}
