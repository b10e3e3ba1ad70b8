package io.dmactl.cli.location;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteCountTest {

    @ParameterizedTest
    @CsvSource({
            "0, 0", "4096, 4096", "0x1000, 4096", "0X1F, 31", "0x1b, 27",
            "4K, 4096", "4k, 4096", "4KB, 4096", "4KiB, 4096", "4kib, 4096",
            "64K, 65536", "1M, 1048576", "1MiB, 1048576", "2g, 2147483648", "1T, 1099511627776", "512B, 512",
            "0x7fffffffffffffff, 9223372036854775807"})
    void parsesTheUsualSpellings(String text, long bytes) {
        assertEquals(bytes, ByteCount.parse(text, "size"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "K", "4X", "-1", "1.5M", "0x", "0x10K", "4 K", "4KK", "0xg", "1e3", "four"})
    void refusesAnythingElseNamingTheTokenAndTheForms(String text) {
        LocationSyntaxException e = assertThrows(LocationSyntaxException.class, () -> ByteCount.parse(text, "--size"));
        assertTrue(e.getMessage().startsWith("bad --size '" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("4096, 0x1000, 4K"), e.getMessage());
        assertEquals(text, e.token());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "0x8000000000000000", "8388608T", "99999999999999999999K"})
    void refusesCountsThatDoNotFitInALong(String text) {
        LocationSyntaxException e = assertThrows(LocationSyntaxException.class, () -> ByteCount.parse(text, "size"));
        assertTrue(e.getMessage().contains("larger than 9223372036854775807 bytes"), e.getMessage());
    }

    @Test
    void theLargestTerabyteCountStillFits() {
        assertEquals(8388607L << 40, ByteCount.parse("8388607T", "size"));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1, 1", "1023, 1023", "1024, 1K", "1536, 1536", "65536, 64K", "1048576, 1M",
            "3221225472, 3G", "1099511627776, 1T", "2251799813685248, 2048T"})
    void formatsTheShortestExactSpelling(long bytes, String text) {
        assertEquals(text, ByteCount.format(bytes));
        assertEquals(bytes, ByteCount.parse(text, "size"));
    }
}
