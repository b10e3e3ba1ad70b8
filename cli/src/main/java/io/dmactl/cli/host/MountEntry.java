package io.dmactl.cli.host;

import io.dmactl.vfio.pci.PciException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code /proc/self/mountinfo} (proc(5)), the fields dmactl needs:
 * <pre>
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   id parent MAJ:MIN root MOUNTPOINT options [optional fields...] - fstype SOURCE super-options
 * </pre>
 *
 * @param deviceNumber {@code MAJ:MIN} of the mounted filesystem's device
 * @param mountPoint   where it is mounted, octal escapes ({@code \040}) decoded
 * @param source       the mount source, e.g. {@code /dev/nvme0n1p2}, {@code /dev/root}, {@code tmpfs}
 */
record MountEntry(String deviceNumber, String mountPoint, String source) {

    /** True when the source names block device {@code name} ({@code /dev/NAME}, or a link to it). */
    boolean sourceNames(String name) {
        if (!source.startsWith("/dev/")) {
            return false;
        }
        if (source.equals("/dev/" + name)) {
            return true;
        }
        try {
            // /dev/disk/by-uuid/... and /dev/mapper/... are links to the kernel name.
            Path real = Path.of(source).toRealPath();
            return real.getFileName() != null && real.getFileName().toString().equals(name);
        } catch (IOException e) {
            return false;
        }
    }

    static List<MountEntry> readMountinfo(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new PciException("cannot read " + file + " to check for mounted filesystems: " + e
                    + " (pass --force to skip the in-use check)", e);
        }
        List<MountEntry> entries = new ArrayList<>();
        for (int number = 1; number <= lines.size(); number++) {
            String line = lines.get(number - 1);
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.strip().split(" ");
            // Optional fields (index 6 on) end at a lone "-"; the mount point (index 4) may be "-" too.
            int separator = -1;
            for (int i = 6; i < fields.length && separator < 0; i++) {
                separator = fields[i].equals("-") ? i : -1;
            }
            if (fields.length < 6 || separator < 6 || separator + 2 >= fields.length) {
                throw new PciException("malformed " + file + " line " + number + ": '" + line
                        + "' (expected: id parent MAJ:MIN root mountpoint options ... - fstype source options)");
            }
            entries.add(new MountEntry(fields[2], unescape(fields[4]), unescape(fields[separator + 2])));
        }
        return List.copyOf(entries);
    }

    /** The kernel writes space, tab, newline and backslash in paths as three octal digits. */
    private static String unescape(String field) {
        StringBuilder text = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1) && isOctal(field, i + 2) && isOctal(field, i + 3)) {
                text.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    private static boolean isOctal(String text, int index) {
        return index < text.length() && text.charAt(index) >= '0' && text.charAt(index) <= '7';
    }
}
