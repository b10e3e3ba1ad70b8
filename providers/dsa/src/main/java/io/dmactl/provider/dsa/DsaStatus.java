package io.dmactl.provider.dsa;

import io.dmactl.core.spi.OpStatus;

import static io.dmactl.vfio.IdxdAbi.*;

/**
 * DSA completion-record status codes (the status byte of {@code struct dsa_completion_record},
 * bits 6:0; DSA architecture specification 341204, "Completion Status") and what each means for
 * the core. The device code reported with every op is the whole status byte, bit 7 included (on a
 * page fault it says the fault was on a write), so nothing the device said is lost.
 */
final class DsaStatus {
    private DsaStatus() {
    }

    /** The core's status for a completion-record status byte (bit 7 ignored). Exhaustive over the uapi codes. */
    static int opStatus(int statusByte) {
        int code = statusByte & COMP_STATUS_MASK;
        if (code == COMP_SUCCESS || code == COMP_SUCCESS_PRED) {
            return OpStatus.SUCCESS;
        }
        if (code == COMP_PAGE_FAULT_NOBOF || code == COMP_PAGE_FAULT_IR || code == COMP_BATCH_PAGE_FAULT
            || code == COMP_CRA_XLAT || code == COMP_PFAULT_RDBA || code == COMP_TRANSLATION_FAIL) {
            return OpStatus.TRANSFER_FAULT;
        }
        if (code == COMP_BAD_OPCODE || code == COMP_INVALID_FLAGS || code == COMP_NOZERO_RESERVE || code == COMP_XFER_ERANGE
            || code == COMP_DESC_CNT_ERANGE || code == COMP_DR_ERANGE || code == COMP_OVERLAP_BUFFERS || code == COMP_DCAST_ERR
            || code == COMP_DESCLIST_ALIGN || code == COMP_INT_HANDLE_INVAL || code == COMP_CRA_ALIGN || code == COMP_ADDR_ALIGN
            || code == COMP_PRIV_BAD || code == COMP_TRAFFIC_CLASS_CONF) {
            return OpStatus.INVALID;
        }
        // BATCH_FAIL, DR_OFFSET_NOINC, DR_OFFSET_ERANGE, DIF_ERR, HW_ERR1, HW_ERR_DRB, and any code
        // a newer device invents: the device could not do it, and the code says why.
        return OpStatus.DEVICE_ERROR;
    }

    /** Whether the status is a page fault that left the op partly done (bytes completed, fault address valid). */
    static boolean isPartialPageFault(int statusByte) {
        int code = statusByte & COMP_STATUS_MASK;
        return code == COMP_PAGE_FAULT_NOBOF || code == COMP_PAGE_FAULT_IR;
    }

    /** Bit 7 of a page-fault status: the fault was on a write. */
    static boolean faultOnWrite(int statusByte) {
        return (statusByte & COMP_STATUS_WRITE) != 0;
    }

    /** The specification's name of a status byte, for messages (control path). */
    static String name(int statusByte) {
        int code = statusByte & COMP_STATUS_MASK;
        String name = switch (code) {
            case 0x00 -> "NONE";
            case 0x01 -> "SUCCESS";
            case 0x02 -> "SUCCESS_PRED";
            case 0x03 -> "PAGE_FAULT_NOBOF";
            case 0x04 -> "PAGE_FAULT_IR";
            case 0x05 -> "BATCH_FAIL";
            case 0x06 -> "BATCH_PAGE_FAULT";
            case 0x07 -> "DR_OFFSET_NOINC";
            case 0x08 -> "DR_OFFSET_ERANGE";
            case 0x09 -> "DIF_ERR";
            case 0x10 -> "BAD_OPCODE";
            case 0x11 -> "INVALID_FLAGS";
            case 0x12 -> "NOZERO_RESERVE";
            case 0x13 -> "XFER_ERANGE";
            case 0x14 -> "DESC_CNT_ERANGE";
            case 0x15 -> "DR_ERANGE";
            case 0x16 -> "OVERLAP_BUFFERS";
            case 0x17 -> "DCAST_ERR";
            case 0x18 -> "DESCLIST_ALIGN";
            case 0x19 -> "INT_HANDLE_INVAL";
            case 0x1a -> "CRA_XLAT";
            case 0x1b -> "CRA_ALIGN";
            case 0x1c -> "ADDR_ALIGN";
            case 0x1d -> "PRIV_BAD";
            case 0x1e -> "TRAFFIC_CLASS_CONF";
            case 0x1f -> "PFAULT_RDBA";
            case 0x20 -> "HW_ERR1";
            case 0x21 -> "HW_ERR_DRB";
            case 0x22 -> "TRANSLATION_FAIL";
            default -> "UNKNOWN";
        };
        return name + " (0x" + Integer.toHexString(statusByte) + (faultOnWrite(statusByte) ? ", on a write" : "") + ")";
    }
}
