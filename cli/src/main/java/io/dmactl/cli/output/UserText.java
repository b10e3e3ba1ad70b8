package io.dmactl.cli.output;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Text the user typed (an argument, a path, a provider name) as it may appear in dmactl's
 * output: the one place that decides which characters are shown as they are and which are
 * escaped. An argument can hold anything a shell passes: a newline (an error would no longer be
 * one line), an ESC or C1 control (a terminal would obey it), DEL, a bidi override (U+202E shows
 * the rest of the line reversed), a lone surrogate, or a hundred kilobytes.
 *
 * <p>Escaped ({@link #isUnsafe}): C0 controls and DEL, C1 controls, format characters (bidi
 * controls, zero-width characters), line and paragraph separators, spaces other than U+0020,
 * lone surrogates and unassigned code points. They are written {@code \n}, {@code \r},
 * {@code \t}, {@code \xHH} (up to U+00FF) or <code>&#92;uHHHH</code> (<code>\U00HHHHHH</code> above the BMP),
 * so the bad character can still be read off the message. {@link Json} escapes the same set.
 */
public final class UserText {

    /** Code points of an argument shown in a message; the rest is cut, and the message says so. */
    public static final int MAX_ECHO_CODE_POINTS = 120;

    private UserText() {
    }

    /**
     * {@code text} in single quotes for a message: unsafe characters escaped, {@code \} and
     * {@code '} escaped too (so the quoted form is unambiguous), and cut after
     * {@link #MAX_ECHO_CODE_POINTS} code points with a note giving the full length.
     */
    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_ECHO_CODE_POINTS) + 8).append('\'');
        int shown = 0;
        int i = 0;
        while (i < text.length() && shown < MAX_ECHO_CODE_POINTS) {
            int codePoint = text.codePointAt(i);
            if (codePoint == '\\' || codePoint == '\'') {
                out.append('\\').append((char) codePoint);
            } else {
                appendEscaped(out, codePoint);
            }
            i += Character.charCount(codePoint);
            shown++;
        }
        out.append('\'');
        if (i < text.length()) {
            out.append("... (cut: ").append(text.codePointCount(0, text.length())).append(" characters)");
        }
        return out.toString();
    }

    /**
     * {@code message} with its unsafe characters escaped and nothing else changed: the last
     * guard before a line is printed, for text that may hold user input that was not quoted
     * where it was put in (a library's message). Text from {@link #quote} passes unchanged.
     */
    public static String escape(String message) {
        if (message == null) {
            return "null";
        }
        if (message.codePoints().noneMatch(UserText::isUnsafe)) {
            return message;
        }
        StringBuilder out = new StringBuilder(message.length() + 16);
        message.codePoints().forEach(codePoint -> appendEscaped(out, codePoint));
        return out.toString();
    }

    /**
     * {@code message} with every occurrence of one of {@code texts} (arguments the user typed)
     * replaced by its {@link #quote}d form, for messages made by code that quotes raw text
     * itself ({@code 'text'}, as picocli and the PCI address parser do). Texts that need neither
     * escaping nor cutting are left as they are, so ordinary messages do not change.
     */
    public static String requote(String message, Iterable<String> texts) {
        if (message == null) {
            return "null";
        }
        List<String> longestFirst = new ArrayList<>();
        texts.forEach(text -> {
            if (text != null && !text.isEmpty() && needsQuoting(text)) {
                longestFirst.add(text);
            }
        });
        longestFirst.sort(Comparator.comparingInt(String::length).reversed()); // a text inside another comes later
        String result = message;
        for (String text : longestFirst) {
            if (!result.contains(text)) {
                continue;
            }
            String quoted = quote(text);
            result = result.replace("'" + text + "'", quoted).replace(text, quoted);
        }
        return result;
    }

    /** True when {@link #quote} would show {@code text} other than as typed (escaped or cut). */
    public static boolean needsQuoting(String text) {
        return text.codePointCount(0, text.length()) > MAX_ECHO_CODE_POINTS || text.codePoints().anyMatch(UserText::isUnsafe);
    }

    /** True for a code point that is escaped wherever user text is printed (see the class comment). */
    public static boolean isUnsafe(int codePoint) {
        if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) {
            return true;
        }
        if (codePoint < 0x7f) {
            return false;
        }
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR, Character.SURROGATE, Character.UNASSIGNED -> true;
            default -> false;
        };
    }

    private static void appendEscaped(StringBuilder out, int codePoint) {
        if (!isUnsafe(codePoint)) {
            out.appendCodePoint(codePoint);
            return;
        }
        switch (codePoint) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (codePoint <= 0xff) {
                    out.append(String.format("\\x%02x", codePoint));
                } else if (codePoint <= 0xffff) {
                    out.append(String.format("\\u%04x", codePoint));
                } else {
                    out.append(String.format("\\U%08x", codePoint));
                }
            }
        }
    }
}
