package io.dmactl.cli.location;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.output.UserText;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Byte counts as users type them: {@code 4096}, {@code 0x1000}, {@code 4K}, {@code 64KiB},
 * {@code 1M}, {@code 2g}. Unit letters are binary (1K = 1024) whatever the spelling (K, KB,
 * KiB, any case), because every size dmactl deals with is a power-of-two quantity of memory.
 * A hex number takes no unit: in {@code 0x1B} the B is a digit.
 */
public final class ByteCount {

    /** The forms, for error messages. */
    public static final String FORMS = "a byte count like 4096, 0x1000, 4K, 64K, 1M or 1G"
            + " (K/M/G/T are binary: 1K = 1024)";

    /** The largest byte count, as error messages name it. */
    private static final String LIMIT = Long.MAX_VALUE + " (2^63-1)";

    private static final Pattern DECIMAL = Pattern.compile("([0-9]+)(?:([kmgt])(?:i?b)?|b)?");
    private static final Pattern HEX = Pattern.compile("0x([0-9a-f]{1,16})");

    private ByteCount() {
    }

    /**
     * Parses a byte count standing alone (an option value such as {@code --size}).
     *
     * @param what what the count is, for the message, e.g. "--size"
     * @throws LocationSyntaxException naming the text and the accepted forms
     */
    public static long parse(String text, String what) {
        return parse(text, text, what);
    }

    /**
     * Parses {@code token}, a byte count inside the larger argument {@code whole}.
     *
     * @throws LocationSyntaxException naming the token, the whole argument and the accepted forms
     */
    static long parse(String whole, String token, String what) {
        String lower = token.strip().toLowerCase(Locale.ROOT);
        Matcher hex = HEX.matcher(lower);
        if (hex.matches()) {
            long value = Long.parseUnsignedLong(hex.group(1), 16);
            if (value < 0) {
                throw tooLarge(whole, token, what);
            }
            return value;
        }
        Matcher decimal = DECIMAL.matcher(lower);
        if (!decimal.matches()) {
            throw new LocationSyntaxException(whole, token, context(whole, token) + "bad " + what + " "
                    + UserText.quote(token) + ": expected " + FORMS);
        }
        long number;
        try {
            number = Long.parseLong(decimal.group(1));
        } catch (NumberFormatException e) {
            throw tooLarge(whole, token, what);
        }
        int shift = decimal.group(2) == null ? 0 : switch (decimal.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 40;
        };
        if (number > (Long.MAX_VALUE >> shift)) {
            throw tooLarge(whole, token, what);
        }
        return number << shift;
    }

    /**
     * {@code offsetBytes + sizeBytes}, where a range of the user's ends, e.g. the buffer a
     * {@code mem+OFFSET} end needs. Both come from the command line, so a sum past
     * {@link Long#MAX_VALUE} is refused as a usage error naming the offset, the size and the
     * limit, rather than wrapping around (and then passing a bounds check) or failing inside.
     *
     * @param where the end, for the message, e.g. "source mem+0x10"
     * @throws DmactlException USAGE on overflow, or for a negative offset or size
     */
    public static long end(String where, long offsetBytes, long sizeBytes) {
        if (offsetBytes < 0 || sizeBytes < 0 || sizeBytes > Long.MAX_VALUE - offsetBytes) {
            throw new DmactlException(ExitCodes.USAGE, where + ": offset 0x" + Long.toHexString(offsetBytes) + " (" + offsetBytes
                    + ") + size " + sizeBytes + " bytes is past the largest byte count, " + LIMIT);
        }
        return offsetBytes + sizeBytes;
    }

    /**
     * The sum of byte counts that follow from the command line, e.g. all the host memory a copy
     * needs; past {@link Long#MAX_VALUE} it is refused as {@link #end} refuses a range.
     *
     * @param what what is being added up, for the message, e.g. "host memory for this copy"
     * @throws DmactlException USAGE on overflow, or for a negative part
     */
    public static long total(String what, long... partsBytes) {
        long sum = 0;
        for (long part : partsBytes) {
            if (part < 0 || part > Long.MAX_VALUE - sum) {
                throw new DmactlException(ExitCodes.USAGE, what + ": " + Arrays.stream(partsBytes)
                        .mapToObj(Long::toString).collect(Collectors.joining(" + "))
                        + " bytes is past the largest byte count, " + LIMIT);
            }
            sum += part;
        }
        return sum;
    }

    /** {@code 4096} as {@code 4K}, {@code 1536} as {@code 1536}: the shortest exact spelling. */
    public static String format(long bytes) {
        String[] units = {"", "K", "M", "G", "T"};
        int unit = 0;
        long value = bytes;
        while (unit < units.length - 1 && value != 0 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + units[unit];
    }

    private static LocationSyntaxException tooLarge(String whole, String token, String what) {
        return new LocationSyntaxException(whole, token, context(whole, token) + "bad " + what + " "
                + UserText.quote(token) + ": larger than " + Long.MAX_VALUE + " bytes");
    }

    /** Inside a location the message starts like every other location error. */
    private static String context(String whole, String token) {
        return whole.equals(token) ? "" : "bad location " + UserText.quote(whole) + ": ";
    }
}
