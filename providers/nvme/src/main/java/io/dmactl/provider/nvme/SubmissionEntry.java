package io.dmactl.provider.nvme;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The 64-byte submission queue entry (NVMe 1.4, 4.2 "Submission Queue Entry - Command Format",
 * figure 105), written as eight little-endian 64-bit stores.
 *
 * <pre>
 *   bytes  0- 3  CDW0: OPC 7:0, FUSE 9:8, PSDT 15:14 (0 = PRPs), CID 31:16
 *   bytes  4- 7  NSID
 *   bytes  8-15  CDW2-3 (reserved here)
 *   bytes 16-23  MPTR (unused)
 *   bytes 24-31  PRP1 (DPTR)
 *   bytes 32-39  PRP2 (DPTR)
 *   bytes 40-63  CDW10..CDW15
 * </pre>
 *
 * Plain stores: the doorbell's release write orders them. The queue may be host memory or the
 * CMB (mapped MMIO); the same stores serve both.
 */
final class SubmissionEntry {
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int CID_SHIFT = 16;
    static final long PRP1 = 24;
    static final long PRP2 = 32;
    static final long CDW10 = 40;

    // Admin opcodes (5, figure 139)
    static final int ADMIN_DELETE_SQ = 0x00;
    static final int ADMIN_CREATE_SQ = 0x01;
    static final int ADMIN_DELETE_CQ = 0x04;
    static final int ADMIN_CREATE_CQ = 0x05;
    static final int ADMIN_IDENTIFY = 0x06;
    static final int ADMIN_SET_FEATURES = 0x09;
    // NVM command set opcodes (6, figure 346; Copy: NVMe 2.0 NVM Command Set 3.3.1)
    static final int NVM_WRITE = 0x01;
    static final int NVM_READ = 0x02;
    static final int NVM_COPY = 0x19;

    private SubmissionEntry() {
    }

    /** Writes a whole entry at {@code offset} of {@code queue}. */
    static void write(MemorySegment queue, long offset, int opcode, int cid, int nsid, long prp1, long prp2,
                      int cdw10, int cdw11, int cdw12, int cdw13) {
        queue.set(U64, offset, (opcode & 0xff) | (long) (cid & 0xffff) << CID_SHIFT | (long) nsid << 32);
        queue.set(U64, offset + 8, 0L);
        queue.set(U64, offset + 16, 0L);
        queue.set(U64, offset + PRP1, prp1);
        queue.set(U64, offset + PRP2, prp2);
        queue.set(U64, offset + CDW10, Integer.toUnsignedLong(cdw10) | (long) cdw11 << 32);
        queue.set(U64, offset + 48, Integer.toUnsignedLong(cdw12) | (long) cdw13 << 32);
        queue.set(U64, offset + 56, 0L);
    }
}
