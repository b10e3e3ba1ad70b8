package io.dmactl.vfio.pci;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address of one PCI function: {@code domain:bus:device.function}, as sysfs names it
 * ({@code /sys/bus/pci/devices/0000:00:03.0}).
 *
 * <p>{@link #toString()} gives the canonical sysfs spelling (lower-case hex, domain at least
 * four digits), so it can be written straight into {@code driver_override}, {@code unbind}
 * or {@code drivers_probe}.
 *
 * @param domain   PCI segment, 0..0x7fffffff (Linux uses values above 0xffff for VMD domains)
 * @param bus      bus number, 0..0xff
 * @param device   device (slot) number, 0..0x1f
 * @param function function number, 0..7
 */
public record PciAddress(int domain, int bus, int device, int function) implements Comparable<PciAddress> {

    public static final int MAX_BUS = 0xff;
    public static final int MAX_DEVICE = 0x1f;
    public static final int MAX_FUNCTION = 7;

    private static final String EXPECTED_FORM =
            "expected DDDD:BB:DD.F or BB:DD.F in hex, e.g. 0000:00:03.0 or 00:03.0"
                    + " (device 00-1f, function 0-7)";

    // Loose on purpose: digits are matched as any hex so a range error can name the field.
    private static final Pattern FORM = Pattern.compile(
            "(?:(\\p{XDigit}{4,8}):)?(\\p{XDigit}{2}):(\\p{XDigit}{2})\\.(\\p{XDigit})");

    /** Checks that every field is in range. */
    public PciAddress {
        if (domain < 0) {
            throw new IllegalArgumentException("PCI domain " + Integer.toUnsignedString(domain, 16)
                    + " is out of range (0-7fffffff)");
        }
        checkRange("bus", bus, MAX_BUS);
        checkRange("device", device, MAX_DEVICE);
        checkRange("function", function, MAX_FUNCTION);
    }

    /**
     * Parses {@code 0000:00:03.0} or the short form {@code 00:03.0} (domain 0), hex digits in
     * either case.
     *
     * @param text the address as text
     * @return the address
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static PciAddress parse(String text) {
        Objects.requireNonNull(text, "PCI address text");
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad PCI address '" + text + "': " + EXPECTED_FORM);
        }
        long domain = m.group(1) == null ? 0 : Long.parseLong(m.group(1), 16);
        int bus = Integer.parseInt(m.group(2), 16);
        int device = Integer.parseInt(m.group(3), 16);
        int function = Integer.parseInt(m.group(4), 16);
        if (domain > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad PCI address '" + text + "': domain "
                    + m.group(1) + " is out of range (0-7fffffff)");
        }
        if (device > MAX_DEVICE) {
            throw new IllegalArgumentException("bad PCI address '" + text + "': device "
                    + m.group(3) + " is out of range (00-1f); " + EXPECTED_FORM);
        }
        if (function > MAX_FUNCTION) {
            throw new IllegalArgumentException("bad PCI address '" + text + "': function "
                    + m.group(4) + " is out of range (0-7); " + EXPECTED_FORM);
        }
        return new PciAddress((int) domain, bus, device, function);
    }

    @Override
    public int compareTo(PciAddress other) {
        int byDomain = Integer.compare(domain, other.domain);
        if (byDomain != 0) {
            return byDomain;
        }
        int byBus = Integer.compare(bus, other.bus);
        if (byBus != 0) {
            return byBus;
        }
        int byDevice = Integer.compare(device, other.device);
        return byDevice != 0 ? byDevice : Integer.compare(function, other.function);
    }

    /** Canonical sysfs form, e.g. {@code 0000:00:03.0}. */
    @Override
    public String toString() {
        return String.format("%04x:%02x:%02x.%x", domain, bus, device, function);
    }

    private static void checkRange(String field, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("PCI " + field + " " + value + " (0x"
                    + Integer.toHexString(value) + ") is out of range (0-0x" + Integer.toHexString(max) + ")");
        }
    }
}
