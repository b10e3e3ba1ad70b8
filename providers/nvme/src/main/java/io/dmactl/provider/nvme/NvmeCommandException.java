package io.dmactl.provider.nvme;

/** An admin command completed with an error status (control path). */
public final class NvmeCommandException extends RuntimeException {
    /** SCT &lt;&lt; 8 | SC of the completion. */
    private final int statusCode;

    NvmeCommandException(String message, int statusCode) {
        super(message);
        this.statusCode = statusCode;
    }

    /**
     * SCT &lt;&lt; 8 | SC of the completion.
     *
     * @return the status code
     */
    public int statusCode() {
        return statusCode;
    }
}
