package io.dmactl.cli.output;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Prints the {@code --json} output of every command: report records ({@link JsonRecord}),
 * lists, maps, strings, numbers, booleans, optionals (empty is {@code null}) and enums (lower
 * case). Indented by two spaces, members in declaration order, so output is stable and diffable.
 * dmactl writes JSON only, it never reads it, so this is all it needs.
 */
public final class Json {

    private Json() {
    }

    /** {@code value} as indented JSON, without a trailing newline. */
    public static String render(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int depth) {
        switch (value) {
            case null -> out.append("null");
            case Optional<?> optional -> write(out, optional.orElse(null), depth);
            case OptionalInt optional -> write(out, optional.isPresent() ? optional.getAsInt() : null, depth);
            case OptionalLong optional -> write(out, optional.isPresent() ? optional.getAsLong() : null, depth);
            case OptionalDouble optional -> write(out, optional.isPresent() ? optional.getAsDouble() : null, depth);
            case Boolean bool -> out.append(bool);
            case Double number -> writeFloating(out, number);
            case Float number -> writeFloating(out, number.doubleValue());
            case Number number -> out.append(number);
            case Enum<?> constant -> writeString(out, constant.name().toLowerCase(Locale.ROOT));
            case Map<?, ?> map -> writeMap(out, map, depth);
            case Collection<?> list -> writeList(out, list, depth);
            case JsonRecord record when value.getClass().isRecord() -> writeRecord(out, record, depth);
            default -> writeString(out, value.toString());
        }
    }

    private static void writeFloating(StringBuilder out, double number) {
        // JSON has no NaN or infinity; a rate over zero time is "no value", not a number.
        if (Double.isFinite(number)) {
            out.append(number);
        } else {
            out.append("null");
        }
    }

    private static void writeRecord(StringBuilder out, JsonRecord record, int depth) {
        RecordComponent[] components = record.getClass().getRecordComponents();
        if (components.length == 0) {
            out.append("{}");
            return;
        }
        out.append('{');
        for (int i = 0; i < components.length; i++) {
            Object member;
            try {
                var accessor = components[i].getAccessor();
                accessor.setAccessible(true); // a report record nested in a non-public class
                member = accessor.invoke(record);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + components[i].getName() + " of "
                        + record.getClass().getName() + " for JSON", e);
            }
            member(out, components[i].getName(), member, depth, i == 0);
        }
        newline(out, depth);
        out.append('}');
    }

    private static void writeMap(StringBuilder out, Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            member(out, String.valueOf(entry.getKey()), entry.getValue(), depth, first);
            first = false;
        }
        newline(out, depth);
        out.append('}');
    }

    private static void member(StringBuilder out, String name, Object value, int depth, boolean first) {
        if (!first) {
            out.append(',');
        }
        newline(out, depth + 1);
        writeString(out, name);
        out.append(": ");
        write(out, value, depth + 1);
    }

    private static void writeList(StringBuilder out, Collection<?> list, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object element : list) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newline(out, depth + 1);
            write(out, element, depth + 1);
        }
        newline(out, depth);
        out.append(']');
    }

    private static void newline(StringBuilder out, int depth) {
        out.append('\n');
        out.repeat("  ", depth);
    }

    private static void writeString(StringBuilder out, String text) {
        out.append('"');
        int i = 0;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            switch (codePoint) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // Controls, bidi overrides, lone surrogates...: escaped as UserText shows them
                    // in messages, so printing the JSON cannot drive a terminal either.
                    if (UserText.isUnsafe(codePoint)) {
                        for (char unit : Character.toChars(codePoint)) {
                            out.append(String.format("\\u%04x", (int) unit));
                        }
                    } else {
                        out.appendCodePoint(codePoint);
                    }
                }
            }
        }
        out.append('"');
    }
}
