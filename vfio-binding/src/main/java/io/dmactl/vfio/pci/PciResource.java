package io.dmactl.vfio.pci;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of a device's sysfs {@code resource} file: an address window the kernel assigned.
 *
 * <p>The file has one line per resource slot, {@code 0x<start> 0x<end> 0x<flags>}, each a
 * 16-digit hex number; an unused slot is all zeros. Slot numbers are fixed by the kernel:
 * 0-5 are the standard BARs, 6 the expansion ROM, 7 and up are SR-IOV BARs and, on bridges,
 * the bridge windows (how many of each depends on the kernel configuration, so this class
 * does not name them). A 64-bit BAR takes two BAR registers; the kernel reports it in the
 * lower slot and leaves the upper one zero.
 *
 * <p>Flag bits are the kernel's {@code IORESOURCE_*} values (include/linux/ioport.h); for
 * PCI the low byte also carries the BAR's own low bits.
 *
 * @param index        slot number (line number from 0); equals the BAR index for slots 0-5
 * @param startAddress first byte of the window, as the CPU sees it (unsigned)
 * @param endAddress   last byte of the window, inclusive (unsigned)
 * @param flags        raw {@code IORESOURCE_*} flags
 */
public record PciResource(int index, long startAddress, long endAddress, long flags) {

    /** Number of standard BARs (type 0 header). */
    public static final int BAR_COUNT = 6;
    /** Slot of the expansion ROM. */
    public static final int ROM_INDEX = 6;

    static final long IORESOURCE_IO = 0x0000_0100L;
    static final long IORESOURCE_MEM = 0x0000_0200L;
    static final long IORESOURCE_PREFETCH = 0x0000_2000L;
    static final long IORESOURCE_READONLY = 0x0000_4000L;
    static final long IORESOURCE_MEM_64 = 0x0010_0000L;
    static final long IORESOURCE_DISABLED = 0x1000_0000L;
    static final long IORESOURCE_UNSET = 0x2000_0000L;

    /** Checks that the index is not negative and the window does not end before it starts. */
    public PciResource {
        if (index < 0) {
            throw new IllegalArgumentException("resource index " + index + " is negative");
        }
        if (Long.compareUnsigned(endAddress, startAddress) < 0) {
            throw new IllegalArgumentException("resource " + index + " ends (0x" + Long.toHexString(endAddress)
                    + ") before it starts (0x" + Long.toHexString(startAddress) + ")");
        }
    }

    /**
     * Window length; 0 for an unused slot (the kernel's rule: an end of 0 means no window).
     *
     * @return the length in bytes
     */
    public long sizeBytes() {
        return endAddress == 0 ? 0 : endAddress - startAddress + 1;
    }

    /**
     * True for slots 0-5, the standard BARs.
     *
     * @return true for a standard BAR
     */
    public boolean isBar() {
        return index < BAR_COUNT;
    }

    /**
     * True for the expansion ROM slot.
     *
     * @return true for the ROM slot
     */
    public boolean isRom() {
        return index == ROM_INDEX;
    }

    /**
     * An I/O-port window (x86 {@code in}/{@code out}); cannot be mmapped through VFIO.
     *
     * @return true for I/O ports
     */
    public boolean isIo() {
        return (flags & IORESOURCE_IO) != 0 && (flags & IORESOURCE_MEM) == 0;
    }

    /**
     * A memory window (MMIO), the kind that can be mmapped.
     *
     * @return true for memory
     */
    public boolean isMemory() {
        return (flags & IORESOURCE_MEM) != 0;
    }

    /**
     * A 64-bit memory BAR (it occupies this BAR register and the next).
     *
     * @return true for a 64-bit BAR
     */
    public boolean is64Bit() {
        return (flags & IORESOURCE_MEM_64) != 0;
    }

    /**
     * Prefetchable memory: reads have no side effects, so write-combining mappings are allowed.
     *
     * @return true if prefetchable
     */
    public boolean isPrefetchable() {
        return (flags & IORESOURCE_PREFETCH) != 0;
    }

    /**
     * Read-only, as the kernel marks expansion ROMs.
     *
     * @return true if read-only
     */
    public boolean isReadOnly() {
        return (flags & IORESOURCE_READONLY) != 0;
    }

    /**
     * The kernel has not (or could not) assign an address to this window.
     *
     * @return true if unassigned
     */
    public boolean isUnassigned() {
        return (flags & (IORESOURCE_UNSET | IORESOURCE_DISABLED)) != 0;
    }

    /**
     * Short flag summary for people, e.g. {@code "mem 64-bit prefetchable"} or {@code "io"}.
     *
     * @return the summary
     */
    public String flagsDescription() {
        StringBuilder text = new StringBuilder(isIo() ? "io" : isMemory() ? "mem" : "other");
        if (isMemory()) {
            text.append(is64Bit() ? " 64-bit" : " 32-bit");
        }
        if (isPrefetchable()) {
            text.append(" prefetchable");
        }
        if (isReadOnly()) {
            text.append(" read-only");
        }
        if (isUnassigned()) {
            text.append(" unassigned");
        }
        return text.toString();
    }

    /**
     * Parses the whole {@code resource} file, keeping only slots that have a window.
     *
     * @throws IllegalArgumentException naming the line number and text of a malformed line
     */
    static List<PciResource> parseResourceFile(String content) {
        List<PciResource> resources = new ArrayList<>();
        String[] lines = content.split("\n");
        for (int index = 0; index < lines.length; index++) {
            String line = lines[index].strip();
            if (line.isEmpty()) {
                if (index == lines.length - 1) {
                    continue;
                }
                throw new IllegalArgumentException("line " + (index + 1) + " is empty");
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 3) {
                throw new IllegalArgumentException("line " + (index + 1) + " '" + line
                        + "' has " + fields.length + " fields, expected 3 (0x<start> 0x<end> 0x<flags>)");
            }
            long start = parseHex(fields[0], index, line);
            long end = parseHex(fields[1], index, line);
            long flags = parseHex(fields[2], index, line);
            PciResource resource = new PciResource(index, start, end, flags);
            if (resource.sizeBytes() != 0) {
                resources.add(resource);
            }
        }
        return List.copyOf(resources);
    }

    private static long parseHex(String field, int index, String line) {
        if (!field.startsWith("0x") || field.length() < 3 || field.length() > 18) {
            throw new IllegalArgumentException("line " + (index + 1) + " '" + line + "': '" + field
                    + "' is not a 0x-prefixed 64-bit hex number");
        }
        try {
            return Long.parseUnsignedLong(field.substring(2), 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("line " + (index + 1) + " '" + line + "': '" + field
                    + "' is not a 0x-prefixed 64-bit hex number", e);
        }
    }
}
