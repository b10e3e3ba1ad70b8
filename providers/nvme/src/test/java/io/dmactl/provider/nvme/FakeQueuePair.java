package io.dmactl.provider.nvme;

import io.dmactl.vfio.pci.MmioRegisters;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Plain native memory in place of a controller: BAR0 (doorbells, filled with a sentinel so that
 * any write shows), one I/O queue pair and its slot pages. The test plays the controller: it reads
 * SQEs and posts CQEs with the right phase tag.
 */
final class FakeQueuePair implements AutoCloseable {
    static final int SENTINEL = 0xa5a5a5a5;
    static final long SQ_IOVA = 0x10_0000;
    static final long CQ_IOVA = 0x20_0000;
    static final long SLOTS_IOVA = 0x40_0000;
    static final int QID = 1;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private final MemorySegment bar = arena.allocate(0x2000, 4096);
    final NvmeQueueMemory memory;
    final MmioRegisters mmio = new MmioRegisters(bar, "fake nvme BAR0", NvmeEngine.REGISTER_POLL_PAUSE_NANOS);
    private int cqTail;
    private int cqPhase = 1;
    /** The last SQ tail the channel rang: what this controller reports as consumed (SQHD). */
    private int rungTail;

    FakeQueuePair(int capacity) {
        int entries = capacity + 1;
        memory = new NvmeQueueMemory(capacity, arena.allocate((long) entries * 64, 4096), SQ_IOVA,
            arena.allocate((long) entries * 16, 4096), CQ_IOVA, arena.allocate((long) capacity * 4096, 4096), SLOTS_IOVA);
        bar.fill((byte) 0xa5);
    }

    int sqTailDoorbell() {
        return bar.get(U32, NvmeRegisters.sqTailDoorbell(QID, 0));
    }

    int cqHeadDoorbell() {
        return bar.get(U32, NvmeRegisters.cqHeadDoorbell(QID, 0));
    }

    /** Dword {@code dword} of the SQE at {@code index}. */
    int sqe(int index, int dword) {
        return memory.submissionQueue().get(U32, (long) index * 64 + 4L * dword);
    }

    long sqe64(int index, long byteOffset) {
        return memory.submissionQueue().get(U64, (long) index * 64 + byteOffset);
    }

    int opcode(int index) {
        return sqe(index, 0) & 0xff;
    }

    int cid(int index) {
        return sqe(index, 0) >>> 16;
    }

    long slot64(int cid, long byteOffset) {
        return memory.slotPages().get(U64, (long) cid * 4096 + byteOffset);
    }

    /**
     * Posts a completion for {@code cid} with status {@code sctSc} (SCT &lt;&lt; 8 | SC), as QEMU does:
     * the controller has fetched every entry up to the tail last rung, so SQHD is that tail.
     */
    void complete(int cid, int sctSc) {
        int doorbell = sqTailDoorbell();
        if (doorbell != SENTINEL) {
            rungTail = doorbell;
        }
        post(cid, sctSc, rungTail, QID);
    }

    /** Posts a completion entry with every field the controller chooses given: a forged one, if need be. */
    void post(int cid, int sctSc, int sqHead, int sqId) {
        long at = (long) cqTail * 16;
        MemorySegment cq = memory.completionQueue();
        cq.set(U32, at, 0);
        cq.set(U32, at + 4, 0);
        cq.set(U16, at + 8, (short) sqHead);
        cq.set(U16, at + 10, (short) sqId);
        cq.set(U16, at + 12, (short) cid);
        cq.set(U16, at + 14, (short) (sctSc << 1 | cqPhase));
        if (++cqTail == memory.queueEntries()) {
            cqTail = 0;
            cqPhase ^= 1;
        }
    }

    void resetSentinel() {
        bar.fill((byte) 0xa5);
    }

    @Override
    public void close() {
        arena.close();
    }
}
