package io.dmactl.provider.nvme;

/** An admin command completed with an error status (control path). */
public final class NvmeCommandException extends RuntimeException {
    private final int statusCode;

    NvmeCommandException(String message, int statusCode) {
        super(message);
        this.statusCode = statusCode;
    }

    /** SCT &lt;&lt; 8 | SC of the completion. */
    public int statusCode() {
        return statusCode;
    }
}
