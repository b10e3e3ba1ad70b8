package io.dmactl.vfio.pci;

/**
 * Something about PCI devices in sysfs went wrong: a file could not be read or written, or
 * held text the kernel never writes. The message names the file and the text. Subclasses
 * mark the cases a caller may want to treat differently.
 */
public class PciException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An error with a message saying what failed.
     *
     * @param message what failed
     */
    public PciException(String message) {
        super(message);
    }

    /**
     * An error with a message saying what failed, and its cause.
     *
     * @param message what failed
     * @param cause the underlying error
     */
    public PciException(String message, Throwable cause) {
        super(message, cause);
    }
}
