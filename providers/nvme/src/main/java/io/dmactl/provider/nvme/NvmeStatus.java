package io.dmactl.provider.nvme;

import io.dmactl.core.spi.OpStatus;

/**
 * Completion status (NVMe 1.4, 4.6.1.2, figure 126: SCT 0 generic, 1 command specific, 2 media and
 * data integrity, 3 path related) mapped to the core's per-op statuses. The device code kept for
 * the client is {@code SCT << 8 | SC}.
 */
final class NvmeStatus {
    static final int SUCCESS = 0x000;
    /** Generic 0x04 Data Transfer Error: the controller could not move the data (a blocked DMA). */
    static final int DATA_TRANSFER_ERROR = 0x004;
    /** Generic 0x07 Command Abort Requested / 0x08 Aborted due to SQ Deletion. */
    static final int ABORT_REQUESTED = 0x007;
    static final int ABORTED_SQ_DELETION = 0x008;
    /** Generic 0x80 LBA Out of Range. */
    static final int LBA_OUT_OF_RANGE = 0x080;

    private NvmeStatus() {
    }

    static int toOpStatus(int code) {
        if (code == SUCCESS) {
            return OpStatus.SUCCESS;
        }
        if (code == DATA_TRANSFER_ERROR) {
            return OpStatus.TRANSFER_FAULT;
        }
        if (code == ABORT_REQUESTED || code == ABORTED_SQ_DELETION) {
            return OpStatus.ABORTED;
        }
        return OpStatus.DEVICE_ERROR;
    }

    /** Status code types 4-6 are reserved (figure 126); 7 is vendor specific, a valid if opaque error. */
    static boolean reservedType(int code) {
        int sct = code >>> 8;
        return sct >= 4 && sct <= 6;
    }

    static String describe(int code) {
        return "SCT 0x" + Integer.toHexString(code >>> 8) + " SC 0x" + Integer.toHexString(code & 0xff);
    }
}
