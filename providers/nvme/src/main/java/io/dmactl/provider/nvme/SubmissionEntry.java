package io.dmactl.provider.nvme;

import io.dmactl.vfio.pci.MmioRegisters;

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
 * <h2>How an entry is written (host memory and CMB alike)</h2>
 * The queue may be host memory or the controller memory buffer (CMB: a BAR, mapped uncached), so
 * an entry is written with the discipline of device memory, through {@link MmioRegisters} over
 * the queue: eight 8-byte opaque stores ({@link MmioRegisters#write64}), in ascending address
 * order, each emitted exactly once and whole (a plain {@code MemorySegment} store promises
 * neither for device memory: the JIT may merge, split or drop plain stores), and each range
 * checked against the queue. Nothing relies on their order among themselves or on the 64 bytes
 * arriving as one: the controller reads an entry only once the SQ tail doorbell covers it (NVMe
 * 1.4, 4.1), and that doorbell is a release store ({@link MmioRegisters#write32Release}) that
 * no store of the entry moves below. On x86-64 a CMB entry thus costs eight uncached
 * {@code mov}s and the doorbell a ninth; see {@link io.dmactl.vfio.pci.MemoryOrdering} for why that
 * ordering holds there and is refused elsewhere.
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

    /**
     * Writes a whole entry at {@code offset} (64-byte aligned) of {@code queue}: eight opaque
     * 8-byte stores, lowest address first. The caller rings the tail doorbell with a release store.
     */
    static void write(MmioRegisters queue, long offset, int opcode, int cid, int nsid, long prp1, long prp2,
                      int cdw10, int cdw11, int cdw12, int cdw13) {
        queue.write64(offset, (opcode & 0xff) | (long) (cid & 0xffff) << CID_SHIFT | (long) nsid << 32);
        queue.write64(offset + 8, 0L);
        queue.write64(offset + 16, 0L);
        queue.write64(offset + PRP1, prp1);
        queue.write64(offset + PRP2, prp2);
        queue.write64(offset + CDW10, Integer.toUnsignedLong(cdw10) | (long) cdw11 << 32);
        queue.write64(offset + 48, Integer.toUnsignedLong(cdw12) | (long) cdw13 << 32);
        queue.write64(offset + 56, 0L);
    }
}
