package io.dmactl.cli.host;

import java.util.Objects;

/**
 * One way the host is using a PCI function right now, found in sysfs and /proc: taking the
 * function from its driver would pull the ground from under it.
 *
 * @param kind     what sort of use
 * @param resource the kernel object in use: a block device ({@code nvme0n1p2}) or interface ({@code eth0})
 * @param detail   what uses it, for the message: the mount point, the holder, the interface state
 */
public record HostUse(Kind kind, String resource, String detail) {

    /** The uses dmactl looks for. */
    public enum Kind {
        /** A block device (disk or partition) of the function holds a mounted filesystem. */
        MOUNTED,
        /** A block device of the function is active swap. */
        SWAP,
        /** A block device of the function is held by another block device (device-mapper, md, bcache). */
        HELD,
        /** A network interface of the function is administratively up. */
        INTERFACE_UP
    }

    public HostUse {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(detail, "detail");
    }

    /** For people, e.g. "block device vda1 is mounted on /". */
    public String describe() {
        return switch (kind) {
            case MOUNTED -> "block device " + resource + " is mounted on " + detail;
            case SWAP -> "block device " + resource + " is in use as swap";
            case HELD -> "block device " + resource + " is held by " + detail;
            case INTERFACE_UP -> "network interface " + resource + " is up (" + detail + ")";
        };
    }
}
