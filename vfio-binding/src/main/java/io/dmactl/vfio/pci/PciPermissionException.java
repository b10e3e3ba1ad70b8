package io.dmactl.vfio.pci;

import java.nio.file.Path;

/**
 * The kernel refused access to a sysfs file (EACCES/EPERM). Binding and unbinding drivers
 * write root-only files, so the message says root is needed and which file it was.
 */
public final class PciPermissionException extends PciException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * Access to a sysfs file was refused; the message says that this needs root.
     *
     * @param file the file
     * @param action what was tried, e.g. "writing"
     * @param cause the underlying error
     */
    public PciPermissionException(Path file, String action, Throwable cause) {
        super("permission denied " + action + " " + file
                + ": this needs root (run as root or with sudo)", cause);
        this.file = file;
    }

    /**
     * The sysfs file that could not be accessed.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }
}
