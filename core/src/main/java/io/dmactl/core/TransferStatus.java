package io.dmactl.core;

import io.dmactl.core.spi.OpStatus;

/**
 * Outcome of one transfer. Device outcomes are values, never exceptions: a future returned by
 * {@link DmaTransfers#copy} completes normally with a {@link TransferResult} carrying one of these.
 *
 * <p>The ordinal of each constant equals the int code the fast path reports ({@link OpStatus}).
 */
public enum TransferStatus {
    /** Every byte was moved. */
    SUCCESS,
    /** The device reported an error; {@link TransferResult#deviceCode()} holds its code. */
    DEVICE_ERROR,
    /** The device could not reach an address (IOMMU fault, bus error, data transfer error). */
    TRANSFER_FAULT,
    /** The op did not complete within the runtime's op timeout; the engine was reset. */
    TIMEOUT,
    /** The op was dropped: its engine was reset or closed before it completed. */
    ABORTED,
    /** The engine refused the descriptor (bad space, length or alignment); nothing was moved. */
    INVALID;

    private static final TransferStatus[] BY_CODE = values();

    /**
     * The fast-path code of this status.
     *
     * @return the code providers report on the fast path
     */
    public int code() {
        return ordinal();
    }

    /**
     * The status for a fast-path code; unknown codes are a provider bug and map to {@link #DEVICE_ERROR}.
     *
     * @param code a fast-path code
     * @return the status
     */
    public static TransferStatus ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : DEVICE_ERROR;
    }
}
