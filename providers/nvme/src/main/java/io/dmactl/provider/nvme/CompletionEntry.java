package io.dmactl.provider.nvme;

/**
 * The 16-byte completion queue entry (NVMe 1.4, 4.6 "Completion Queue Entry", figure 121).
 *
 * <pre>
 *   bytes  0- 3  DW0: command specific
 *   bytes  4- 7  DW1: reserved
 *   bytes  8- 9  SQHD: submission queue head
 *   bytes 10-11  SQID
 *   bytes 12-13  CID
 *   bytes 14-15  P (bit 0), Status Field 15:1: SC 8:1, SCT 11:9, CRD 13:12, M 14, DNR 15
 * </pre>
 */
final class CompletionEntry {
    static final long DW0 = 0;
    static final long SQHD = 8;
    static final long CID = 12;
    static final long STATUS = 14;
    /** The whole dword holding CID (low half) and phase + status (high half). */
    static final long CID_AND_STATUS = 12;

    private CompletionEntry() {
    }

    static int phase(int status16) {
        return status16 & 1;
    }

    /** Status code type and status code as one number: SCT &lt;&lt; 8 | SC (the device code reported). */
    static int statusCode(int status16) {
        return (status16 >>> 1) & 0x7ff;
    }
}
