package io.dmactl.cli.output;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserTextTest {

    @Test
    void quoteEscapesWhatCouldBreakTheLineOrDriveATerminal() {
        String[][] cases = {
                {"newline", "a\nb", "'a\\nb'"},
                {"carriage return and tab", "\r\t", "'\\r\\t'"},
                {"ESC of an ANSI colour", "\u001b[31mred", "'\\x1b[31mred'"},
                {"NUL", "a\u0000b", "'a\\x00b'"},
                {"DEL", "a\u007fb", "'a\\x7fb'"},
                {"C1 NEL", "a\u0085b", "'a\\x85b'"},
                {"C1 CSI", "a\u009bb", "'a\\x9bb'"},
                {"right-to-left override", "\u202eevil", "'\\u202eevil'"},
                {"zero-width space", "a\u200bb", "'a\\u200bb'"},
                {"line separator", "a\u2028b", "'a\\u2028b'"},
                {"no-break space", "a\u00a0b", "'a\\xa0b'"},
                {"backslash and quote", "it's a\\b", "'it\\'s a\\\\b'"},
                {"plain text stays", "0000:00:03.0/bar2+0x10", "'0000:00:03.0/bar2+0x10'"},
                {"letters of other scripts stay", "Grüße \u0661\u0662\u0663 日本", "'Grüße \u0661\u0662\u0663 日本'"}};
        for (String[] c : cases) {
            assertEquals(c[2], UserText.quote(c[1]), c[0]);
        }
    }

    @Test
    void loneSurrogatesAreEscapedAndPairsAreKept() {
        assertEquals("'a\\ud800b'", UserText.quote("a\ud800b"));
        assertEquals("'\\udc00'", UserText.quote("\udc00"));
        assertEquals("'\ud83d\ude00'", UserText.quote("\ud83d\ude00"), "an emoji is a printable pair");
    }

    @Test
    void aLongTextIsCutAndSaysSo() {
        String quoted = UserText.quote("x".repeat(100_000));
        assertEquals("'" + "x".repeat(UserText.MAX_ECHO_CODE_POINTS) + "'... (cut: 100000 characters)", quoted);
        String exactlyMax = "y".repeat(UserText.MAX_ECHO_CODE_POINTS);
        assertEquals("'" + exactlyMax + "'", UserText.quote(exactlyMax));
        // cut by code point: a pair is never split
        String pairs = "\ud83d\ude00".repeat(UserText.MAX_ECHO_CODE_POINTS + 1);
        assertTrue(UserText.quote(pairs).startsWith("'" + "\ud83d\ude00".repeat(UserText.MAX_ECHO_CODE_POINTS) + "'... (cut: "
                + (UserText.MAX_ECHO_CODE_POINTS + 1) + " characters)"), UserText.quote(pairs));
    }

    @Test
    void escapeLeavesQuotedTextAndPlainMessagesAlone() {
        String quoted = UserText.quote("a\nb\\c");
        assertEquals(quoted, UserText.escape(quoted));
        assertEquals("bad size '4Q': expected a byte count", UserText.escape("bad size '4Q': expected a byte count"));
        assertEquals("no such file: /tmp/a\\nb\\x1b[0m", UserText.escape("no such file: /tmp/a\nb\u001b[0m"));
    }

    @Test
    void requoteReplacesRawArgumentsInAForeignMessage() {
        String message = "Unknown option: '--x\u001b[2J'; also --x\u001b[2J";
        assertEquals("Unknown option: '--x\\x1b[2J'; also '--x\\x1b[2J'",
                UserText.requote(message, List.of("--x\u001b[2J", "list")));
        String longArgument = "z".repeat(5000);
        String requoted = UserText.requote("Unmatched argument at index 1: '" + longArgument + "'", List.of("list", longArgument));
        assertEquals("Unmatched argument at index 1: '" + "z".repeat(UserText.MAX_ECHO_CODE_POINTS)
                + "'... (cut: 5000 characters)", requoted);
        assertEquals("Unknown option: '--json2'", UserText.requote("Unknown option: '--json2'", List.of("--json2")),
                "a plain argument is left as picocli quoted it");
    }

    @Test
    void isUnsafeCoversTheControlRanges() {
        for (int c = 0; c < 0x20; c++) {
            assertTrue(UserText.isUnsafe(c), "C0 " + c);
        }
        for (int c = 0x7f; c <= 0x9f; c++) {
            assertTrue(UserText.isUnsafe(c), "DEL/C1 " + c);
        }
        for (int c = 0x20; c < 0x7f; c++) {
            assertFalse(UserText.isUnsafe(c), "printable ASCII " + c);
        }
        for (int c : new int[] {0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0xfeff}) {
            assertTrue(UserText.isUnsafe(c), "bidi/format " + Integer.toHexString(c));
        }
    }
}
