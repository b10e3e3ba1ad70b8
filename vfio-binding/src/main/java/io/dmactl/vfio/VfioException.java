package io.dmactl.vfio;

/**
 * VFIO refused to do what was asked for a reason that is not a single failed
 * system call: an API version or extension the kernel lacks, a group that is
 * not viable, a region that cannot be mapped. The message says what to do.
 * When a system call is behind it, that {@link NativeCallException} is the cause.
 */
public final class VfioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An error with a message saying what failed.
     *
     * @param message what failed
     */
    public VfioException(String message) {
        super(message);
    }

    /**
     * An error with a message saying what failed, and its cause.
     *
     * @param message what failed
     * @param cause the underlying error
     */
    public VfioException(String message, Throwable cause) {
        super(message, cause);
    }
}
