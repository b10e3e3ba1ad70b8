package io.dmactl.vfio;

/**
 * A system call made on behalf of dmactl failed.
 *
 * <p>The message names the call, what it was about (a path, a device, a memory
 * range), and the errno as name, number and {@code strerror} text, for example
 * {@code ioctl(VFIO_GROUP_SET_CONTAINER) on /dev/vfio/7 failed: EPERM (1) Operation not permitted}.
 * The errno was captured right after the call ({@code Linker.Option.captureCallState}),
 * so no later call in the JVM could have overwritten it.
 */
public final class NativeCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The failed call. */
    private final String call;
    /** What the call was about. */
    private final String subject;
    /** The errno captured after the call. */
    private final int errno;
    /** The errno's symbolic name. */
    private final String errnoName;

    /**
     * A failed call, with a message naming the call, its subject and the errno.
     *
     * @param call    the call as the reader should see it, e.g. {@code open} or {@code ioctl(VFIO_SET_IOMMU)}
     * @param subject what the call was about, e.g. {@code /dev/vfio/7} or {@code 0000:00:03.0}
     * @param errno   the errno captured right after the call
     */
    public NativeCallException(String call, String subject, int errno) {
        this(call, subject, errno, null);
    }

    /**
     * A failed call, with a message naming the call, its subject and the errno, and a hint.
     *
     * @param call the call as the reader should see it, e.g. {@code open} or {@code ioctl(VFIO_SET_IOMMU)}
     * @param subject what the call was about, e.g. {@code /dev/vfio/7} or {@code 0000:00:03.0}
     * @param errno the errno captured right after the call
     * @param hint what the user can do about it (appended to the message), or null
     */
    public NativeCallException(String call, String subject, int errno, String hint) {
        this(call, subject, errno, ErrnoText.name(errno), ErrnoText.description(errno), hint);
    }

    private NativeCallException(String call, String subject, int errno, String errnoName,
                                String description, String hint) {
        super(call + " on " + subject + " failed: " + errnoName + " (" + errno + ") " + description
                + (hint == null ? "" : "; " + hint));
        this.call = call;
        this.subject = subject;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /**
     * The failed call, e.g. {@code ioctl(VFIO_GROUP_SET_CONTAINER)}.
     *
     * @return the call
     */
    public String call() {
        return call;
    }

    /**
     * The path, device or memory range the call was about.
     *
     * @return the subject
     */
    public String subject() {
        return subject;
    }

    /**
     * The errno value, e.g. 1.
     *
     * @return the errno value
     */
    public int errno() {
        return errno;
    }

    /**
     * The errno's symbolic name, e.g. {@code EPERM}.
     *
     * @return the errno's name
     */
    public String errnoName() {
        return errnoName;
    }
}
