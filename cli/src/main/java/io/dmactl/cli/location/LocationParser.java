package io.dmactl.cli.location;

import io.dmactl.cli.output.UserText;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciResource;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the locations of {@code dmactl copy}. The grammar, as {@code --help} shows it:
 * <pre>
 *   mem[:SIZE][+OFFSET]          a fresh host DMA buffer (SIZE defaults to what the copy needs)
 *   file:PATH                    a host file, staged through a DMA buffer
 *   ADDR/barN[+OFFSET]           BAR N (0-5) of PCI function ADDR: a device window
 *   ADDR/dev[:NAME][+OFFSET]     the private memory of ADDR's engine (edu buffer, NVMe namespace)
 * </pre>
 * ADDR is {@code 0000:00:03.0} or {@code 00:03.0}; SIZE and OFFSET are byte counts
 * ({@link ByteCount}). Keywords ({@code mem}, {@code file}, {@code bar}, {@code dev}) are
 * accepted in any case. Anything else is refused with a message that names the token at fault
 * and the forms above; nothing is looked up on the machine here.
 */
public final class LocationParser {

    /** The accepted forms, one line, for error messages. */
    public static final String FORMS = "mem, mem:SIZE, file:PATH, ADDR/barN[+OFFSET] or ADDR/dev[+OFFSET]"
            + " (e.g. mem:1M, file:/tmp/in.bin, 0000:00:05.0/bar2+0x1000, 0000:00:03.0/dev+0)";

    private static final Pattern BAR = Pattern.compile("bar([0-9]+)");
    /** Longest private space name: engines name theirs briefly ("buffer", "ns1"). */
    static final int MAX_SPACE_NAME_CHARS = 64;
    private static final Pattern SPACE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1," + MAX_SPACE_NAME_CHARS + "}");

    private LocationParser() {
    }

    /**
     * Parses one location argument.
     *
     * @throws LocationSyntaxException naming the bad token and the accepted forms
     */
    public static LocationSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new LocationSyntaxException(String.valueOf(text), "", "empty location: expected " + FORMS);
        }
        if (text.regionMatches(true, 0, "file:", 0, 5)) {
            String path = text.substring(5);
            if (path.isEmpty()) {
                throw new LocationSyntaxException(text, text, "bad location " + UserText.quote(text)
                        + ": file: needs a path, e.g. file:/tmp/data.bin");
            }
            if (path.endsWith("/")) {
                // Path.of drops the slash: file:/srv/out/ would write a file named /srv/out.
                throw new LocationSyntaxException(text, path, "bad location " + UserText.quote(text)
                        + ": a path ending in '/' names a directory; name a file in it, e.g. "
                        + UserText.quote(text + "data.bin"));
            }
            try {
                return new FileSpec(Path.of(path));
            } catch (InvalidPathException e) {
                throw new LocationSyntaxException(text, path, "bad location " + UserText.quote(text)
                        + ": not a path this system can name (" + e.getReason() + ")");
            }
        }
        if (text.startsWith("/") || text.startsWith("./") || text.startsWith("../") || text.startsWith("~")) {
            throw new LocationSyntaxException(text, text, "bad location " + UserText.quote(text)
                    + ": a file is written file:PATH, e.g. " + UserText.quote("file:" + text));
        }
        int plus = text.indexOf('+');
        String base = plus < 0 ? text : text.substring(0, plus);
        long offset = 0;
        if (plus >= 0) {
            String offsetText = text.substring(plus + 1);
            if (offsetText.isEmpty()) {
                throw new LocationSyntaxException(text, "+", "bad location " + UserText.quote(text)
                        + ": '+' must be followed by an offset, e.g. +0x1000 or +4K");
            }
            offset = ByteCount.parse(text, offsetText, "offset");
        }
        String lowerBase = base.toLowerCase(Locale.ROOT);
        if (lowerBase.equals("mem")) {
            return new HostMemorySpec(OptionalLong.empty(), offset);
        }
        if (lowerBase.startsWith("mem:")) {
            return memory(text, base.substring(4), offset);
        }
        int slash = base.indexOf('/');
        if (slash >= 0) {
            return onDevice(text, base.substring(0, slash), base.substring(slash + 1), offset);
        }
        if (looksLikeAddress(base)) {
            throw new LocationSyntaxException(text, base, "bad location " + UserText.quote(text) + ": say which part of "
                    + base + " to use, e.g. " + base + "/bar0 (a BAR) or " + base + "/dev (its engine's memory)");
        }
        throw new LocationSyntaxException(text, base, "bad location " + UserText.quote(text) + ": " + UserText.quote(base)
                + " is not a location kind; expected " + FORMS);
    }

    private static boolean looksLikeAddress(String text) {
        try {
            PciAddress.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static HostMemorySpec memory(String text, String sizeText, long offset) {
        if (sizeText.isEmpty()) {
            throw new LocationSyntaxException(text, "mem:", "bad location " + UserText.quote(text)
                    + ": mem: needs a size, e.g. mem:64K (or plain mem for as much as the copy needs)");
        }
        long size = ByteCount.parse(text, sizeText, "buffer size");
        if (size == 0) {
            throw new LocationSyntaxException(text, sizeText, "bad location " + UserText.quote(text)
                    + ": a buffer of 0 bytes holds nothing; give a positive size, e.g. mem:4K");
        }
        if (offset >= size) {
            throw new LocationSyntaxException(text, "+0x" + Long.toHexString(offset), "bad location " + UserText.quote(text)
                    + ": offset 0x" + Long.toHexString(offset) + " is past the end of the "
                    + ByteCount.format(size) + " buffer");
        }
        return new HostMemorySpec(OptionalLong.of(size), offset);
    }

    private static LocationSpec onDevice(String text, String addressText, String part, long offset) {
        PciAddress address;
        try {
            address = PciAddress.parse(addressText);
        } catch (IllegalArgumentException e) {
            throw new LocationSyntaxException(text, addressText, "bad location " + UserText.quote(text) + ": "
                    + UserText.requote(e.getMessage(), List.of(addressText)));
        }
        String lowerPart = part.toLowerCase(Locale.ROOT);
        Matcher bar = BAR.matcher(lowerPart);
        if (bar.matches()) {
            int index = bar.group(1).length() > 2 ? Integer.MAX_VALUE : Integer.parseInt(bar.group(1));
            if (index >= PciResource.BAR_COUNT) {
                throw new LocationSyntaxException(text, part, "bad location " + UserText.quote(text) + ": " + UserText.quote(part)
                        + " names no BAR; a PCI function has bar0 to bar5");
            }
            return new WindowSpec(address, index, offset);
        }
        if (lowerPart.equals("dev")) {
            return new PrivateSpaceSpec(address, Optional.empty(), offset);
        }
        if (lowerPart.startsWith("dev:")) {
            String name = part.substring(4);
            if (!SPACE_NAME.matcher(name).matches()) {
                throw new LocationSyntaxException(text, part, "bad location " + UserText.quote(text) + ": " + UserText.quote(name)
                        + " is not a private space name (1 to " + MAX_SPACE_NAME_CHARS
                        + " letters, digits, '_', '.', '-'), e.g. "
                        + addressText + "/dev:ns1+0");
            }
            return new PrivateSpaceSpec(address, Optional.of(name), offset);
        }
        throw new LocationSyntaxException(text, part, "bad location " + UserText.quote(text) + ": " + UserText.quote(part)
                + " after the device address is neither barN (N = 0-5) nor dev; e.g. "
                + addressText + "/bar2+0x1000 or " + addressText + "/dev+0");
    }
}
