package io.dmactl.core.spi;

/**
 * Per-op completion codes written into a {@link CompletionBatch} by {@link DmaChannel#poll}.
 * Plain ints so the fast path never touches an object; they equal the ordinals of
 * {@code io.dmactl.core.TransferStatus} (a test pins that).
 */
public final class OpStatus {
    /** The op completed and did what it was asked. */
    public static final int SUCCESS = 0;
    /** The device reported an error; the batch's device code says which. */
    public static final int DEVICE_ERROR = 1;
    /** Address fault: IOMMU refused, bus error, data transfer error. */
    public static final int TRANSFER_FAULT = 2;
    /** Set by the core when an op outlived its timeout; engines do not report it. */
    public static final int TIMEOUT = 3;
    /** Set by the core when an engine reset or close dropped the op; engines may report it too. */
    public static final int ABORTED = 4;
    /** The engine refused the descriptor (unknown space, bad length or alignment); nothing moved. */
    public static final int INVALID = 5;

    private static final String[] NAMES = {
        "SUCCESS", "DEVICE_ERROR", "TRANSFER_FAULT", "TIMEOUT", "ABORTED", "INVALID"};

    private OpStatus() {
    }

    /**
     * The name of a status code, for messages.
     *
     * @param status a status code
     * @return the name, e.g. "SUCCESS", or "UNKNOWN(n)"
     */
    public static String name(int status) {
        return status >= 0 && status < NAMES.length ? NAMES[status] : "UNKNOWN(" + status + ")";
    }
}
