package io.dmactl.provider.dsa;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.OpStatus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static io.dmactl.vfio.IdxdAbi.*;

/**
 * One DSA work queue as an engine channel: the fast path. Shared virtual addressing: descriptors
 * carry this process's virtual addresses, and the device writes 32-byte completion records into
 * this process's memory.
 *
 * <pre>
 *   enqueue   plain stores of one 64-byte descriptor into slot (written mod capacity): opcode,
 *             flags CRAV|RCR, completion_addr = record of the slot, addresses, size; the slot's
 *             record status byte cleared to 0 (NONE)
 *   submit    the pending descriptors go to the queue: a run of at least batchMinimum of them as
 *             ONE batch descriptor (desc_list_addr = the run in the ring, desc_count) in one
 *             write(2), else the run itself in one write(2); the syscall orders the stores before it
 *   poll      acquire load of each outstanding slot's record status, oldest first; a non-zero
 *             status completes the op (device code = the status byte, result from the record);
 *             the first slot still at 0 ends the poll, so ops are reported in ticket order
 * </pre>
 *
 * <p><b>Queue full, nothing lost.</b> A shared queue refuses a descriptor with EAGAIN; a short or
 * refused write leaves the rest pending in the ring, and the next submit or poll writes them
 * again. A dedicated queue gives no such answer (the portal write is posted), so the channel never
 * has more ops outstanding than the queue holds: its capacity is at most the queue size.
 *
 * <p><b>Fence.</b> DSA honours the descriptor FENCE flag only inside a batch. A fenced op that
 * starts a write is held back until every earlier op was reported; inside a batch it carries FENCE.
 *
 * <p><b>Page faults (partial completion).</b> Buffers the core hands a SHARED_VIRTUAL engine are
 * locked and pinned, but the IOMMU's view of a page can still be missing (migration, compaction):
 * the device then stops the op with PAGE_FAULT_NOBOF, the bytes it completed and the fault address.
 * When that address lies inside the op's own ranges the channel touches the page from the CPU
 * (a read; for a fault on a write, the byte is written back with its own value — the op owns it
 * and has not reached it yet), moves the descriptor past the completed bytes (fill and
 * compare-pattern patterns rotated, compare offsets and CRC seed carried) and writes it again, at
 * most {@value #MAX_RESUMES} times; otherwise the op completes TRANSFER_FAULT with the status byte.
 *
 * <p>An op this engine cannot run (a space other than the bus, a length of 0, negative or beyond
 * the queue's max_transfer_size) is written as a NOOP descriptor: it keeps its place and completes
 * {@link OpStatus#INVALID} with one of the {@code INVALID_} reasons as its device code.
 */
final class DsaChannel implements DmaChannel {
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle STATUS_BYTE = ValueLayout.JAVA_BYTE.varHandle();

    /** Device code of an INVALID op: a space other than the bus. Above any status byte (0..255). */
    static final int INVALID_SPACE = 0x101;
    /** Device code of an INVALID op: length 0, negative, or beyond max_transfer_size. */
    static final int INVALID_LENGTH = 0x102;
    /** Times one op is resumed after a page fault before it completes TRANSFER_FAULT. */
    static final int MAX_RESUMES = 8;
    private static final int EAGAIN = 11;
    private static final int NO_OVERRIDE = -1;
    private static final int RECORD_FLAGS = FLAG_CRAV | FLAG_RCR;

    private static final byte KIND_PLAIN = 0;
    private static final byte KIND_COMPARE = 1;
    private static final byte KIND_CRC = 2;

    // ---- hot: what enqueue, submit and poll touch ----
    private final WorkQueuePort port;
    final MemorySegment descriptors;
    private final long descriptorsAddress;
    final MemorySegment records;
    private final long recordsAddress;
    private final MemorySegment batchDescriptors;
    final MemorySegment batchRecords;
    private final long batchRecordsAddress;
    private final int slotMask;
    private final int capacity;
    private final int maxTransferBytes;
    /** Smallest run submitted as a batch descriptor; 0: never. */
    private final int batchMinimum;
    private final int batchMaximum;
    private final long[] slotTicket;
    private final int[] slotOverride;
    private final int[] slotCode;
    private final byte[] slotKind;
    private final boolean[] slotFence;
    /** The slot heading the batch this slot went out in, or -1. */
    private final int[] slotBatch;
    /** Compare: offset of the descriptor's first byte in the op (grows with each resume). */
    private final long[] slotBase;
    private final int[] slotResumes;
    /** RCI when the channel has an interrupt: set on the last descriptor of every write (or the batch descriptor). */
    private final int interruptFlags;
    private final int interruptHandle;
    private final CompletionInterrupt interrupt;
    private long nextTicket;
    /** Descriptors written into the ring (cumulative). */
    long written;
    /** Descriptors submit() released to the queue (cumulative): only these are ever written to it. */
    long released;
    /** Descriptors the queue took (cumulative). */
    long sent;
    /** Descriptors reported by poll (cumulative). */
    long harvested;
    /** Set when the queue refused a write for good; polls and submits do nothing. */
    volatile boolean stopped;
    /** Why, once stopped (prepared when it happens; read by the watchdog). */
    volatile String retiredReason;

    // ---- below here: not on the I/O path ----
    private final int index;
    private final String name;
    long writes;
    long batches;
    long refusals;
    long resumes;

    /**
     * @param memory        descriptors and records ({@link #bytesFor}), 32-byte aligned
     * @param deviceAddress the address under which the device reaches {@code memory}: its virtual
     *                      address (shared virtual addressing) or its IOVA (vfio-pci)
     */
    DsaChannel(int index, String name, WorkQueuePort port, MemorySegment memory, long deviceAddress, int capacity,
               int maxTransferBytes, int batchMinimum, int batchMaximum, CompletionInterrupt interrupt, int interruptHandle) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException(name + ": capacity " + capacity + " must be a power of two of at least 2");
        }
        if (memory.byteSize() < bytesFor(capacity)) {
            throw new IllegalArgumentException(name + ": " + memory.byteSize() + " bytes of memory; " + capacity + " slots need "
                + bytesFor(capacity));
        }
        if (memory.address() % RECORD_ALIGNMENT_BYTES != 0 || deviceAddress % RECORD_ALIGNMENT_BYTES != 0) {
            throw new IllegalArgumentException(name + ": memory at 0x" + Long.toHexString(deviceAddress) + " is not "
                + RECORD_ALIGNMENT_BYTES + "-byte aligned (completion records must be)");
        }
        this.index = index;
        this.name = name;
        this.port = port;
        long d = (long) capacity * DESCRIPTOR_BYTES;
        long r = (long) capacity * RECORD_BYTES;
        this.descriptors = memory.asSlice(0, d);
        this.batchDescriptors = memory.asSlice(d, d);
        this.records = memory.asSlice(2 * d, r);
        this.batchRecords = memory.asSlice(2 * d + r, r);
        this.descriptorsAddress = deviceAddress;
        this.recordsAddress = deviceAddress + 2 * d;
        this.batchRecordsAddress = deviceAddress + 2 * d + r;
        this.slotMask = capacity - 1;
        this.capacity = capacity;
        this.maxTransferBytes = maxTransferBytes;
        this.batchMinimum = batchMinimum;
        this.batchMaximum = batchMaximum;
        this.slotTicket = new long[capacity];
        this.slotOverride = new int[capacity];
        this.slotCode = new int[capacity];
        this.slotKind = new byte[capacity];
        this.slotFence = new boolean[capacity];
        this.slotBatch = new int[capacity];
        this.slotBase = new long[capacity];
        this.slotResumes = new int[capacity];
        this.interrupt = interrupt;
        this.interruptFlags = interrupt != null ? FLAG_RCI : 0;
        this.interruptHandle = interruptHandle;
        memory.fill((byte) 0);
    }

    /** Memory a channel of {@code capacity} slots needs: descriptors, batch descriptors, records, batch records. */
    static long bytesFor(int capacity) {
        return 2L * capacity * DESCRIPTOR_BYTES + 2L * capacity * RECORD_BYTES;
    }

    @Override
    public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        if (full()) {
            return NO_SPACE;
        }
        if (srcSpace != SPACE_BUS || dstSpace != SPACE_BUS) {
            return invalid(flags, INVALID_SPACE);
        }
        if (lengthBytes <= 0 || lengthBytes > maxTransferBytes) {
            return invalid(flags, INVALID_LENGTH);
        }
        return put(OPCODE_MEMMOVE, srcAddress, dstAddress, lengthBytes, 0, KIND_PLAIN, flags, NO_OVERRIDE, 0);
    }

    @Override
    public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        if (full()) {
            return NO_SPACE;
        }
        if (dstSpace != SPACE_BUS) {
            return invalid(flags, INVALID_SPACE);
        }
        if (lengthBytes <= 0 || lengthBytes > maxTransferBytes) {
            return invalid(flags, INVALID_LENGTH);
        }
        // Memory fill: the 8-byte pattern where a move has its source address.
        return put(OPCODE_MEMFILL, pattern, dstAddress, lengthBytes, 0, KIND_PLAIN, flags, NO_OVERRIDE, 0);
    }

    @Override
    public long enqueueCompare(int aSpace, long aAddress, int bSpace, long bAddress, int lengthBytes, int flags) {
        if (full()) {
            return NO_SPACE;
        }
        if (aSpace != SPACE_BUS || bSpace != SPACE_BUS) {
            return invalid(flags, INVALID_SPACE);
        }
        if (lengthBytes <= 0 || lengthBytes > maxTransferBytes) {
            return invalid(flags, INVALID_LENGTH);
        }
        return put(OPCODE_COMPARE, aAddress, bAddress, lengthBytes, 0, KIND_COMPARE, flags, NO_OVERRIDE, 0);
    }

    @Override
    public long enqueueComparePattern(long pattern, int space, long address, int lengthBytes, int flags) {
        if (full()) {
            return NO_SPACE;
        }
        if (space != SPACE_BUS) {
            return invalid(flags, INVALID_SPACE);
        }
        if (lengthBytes <= 0 || lengthBytes > maxTransferBytes) {
            return invalid(flags, INVALID_LENGTH);
        }
        // Compare pattern: source at 16, the pattern at 24 (comp_pattern).
        return put(OPCODE_COMPVAL, address, pattern, lengthBytes, 0, KIND_COMPARE, flags, NO_OVERRIDE, 0);
    }

    @Override
    public long enqueueCrc32c(int space, long address, int lengthBytes, int seed, int flags) {
        if (full()) {
            return NO_SPACE;
        }
        if (space != SPACE_BUS) {
            return invalid(flags, INVALID_SPACE);
        }
        if (lengthBytes <= 0 || lengthBytes > maxTransferBytes) {
            return invalid(flags, INVALID_LENGTH);
        }
        // CRC generation: source at 16, nothing at 24, crc_seed at 40 (CRC flags 0: seed and result
        // inverted, data reflected: CRC-32C as java.util.zip.CRC32C computes it).
        return put(OPCODE_CRCGEN, address, 0, lengthBytes, seed & 0xffffffffL, KIND_CRC, flags, NO_OVERRIDE, 0);
    }

    @Override
    public long enqueueDualcast(int srcSpace, long srcAddress, int dst1Space, long dst1Address, int dst2Space, long dst2Address,
                                int lengthBytes, int flags) {
        if (full()) {
            return NO_SPACE;
        }
        if (srcSpace != SPACE_BUS || dst1Space != SPACE_BUS || dst2Space != SPACE_BUS) {
            return invalid(flags, INVALID_SPACE);
        }
        if (lengthBytes <= 0 || lengthBytes > maxTransferBytes) {
            return invalid(flags, INVALID_LENGTH);
        }
        return put(OPCODE_DUALCAST, srcAddress, dst1Address, lengthBytes, dst2Address, KIND_PLAIN, flags, NO_OVERRIDE, 0);
    }

    private boolean full() {
        return written - harvested >= capacity || stopped;
    }

    private long invalid(int flags, int code) {
        return put(OPCODE_NOOP, 0, 0, 0, 0, KIND_PLAIN, flags, OpStatus.INVALID, code);
    }

    /** Writes one descriptor into the next slot with plain stores (the write(2) that hands it over orders them). */
    private long put(int opcode, long at16, long at24, int size, long at40, byte kind, int flags, int override, int code) {
        long w = written;
        int slot = (int) w & slotMask;
        long d = (long) slot << 6;
        descriptors.set(INT_LE, d, 0); // pasid, priv: the kernel fills in the PASID of this process
        descriptors.set(INT_LE, d + DESC_FLAGS_OPCODE, (opcode << OPCODE_SHIFT) | RECORD_FLAGS);
        descriptors.set(LONG_LE, d + DESC_COMPLETION_ADDR, recordsAddress + ((long) slot << 5));
        descriptors.set(LONG_LE, d + DESC_SRC_ADDR, at16);
        descriptors.set(LONG_LE, d + DESC_DST_ADDR, at24);
        descriptors.set(INT_LE, d + DESC_XFER_SIZE, size);
        descriptors.set(INT_LE, d + DESC_XFER_SIZE + 4, 0); // int_handle, rsvd1
        descriptors.set(LONG_LE, d + 40, at40);
        descriptors.set(LONG_LE, d + 48, 0);
        descriptors.set(LONG_LE, d + 56, 0);
        records.set(ValueLayout.JAVA_BYTE, (long) slot << 5, (byte) 0);
        long ticket = nextTicket++;
        slotTicket[slot] = ticket;
        slotOverride[slot] = override;
        slotCode[slot] = code;
        slotKind[slot] = kind;
        slotFence[slot] = (flags & FLAG_FENCE) != 0;
        slotBatch[slot] = -1;
        slotBase[slot] = 0;
        slotResumes[slot] = 0;
        written = w + 1;
        if ((flags & FLAG_SUBMIT) != 0) {
            submit();
        }
        return ticket;
    }

    @Override
    public void submit() {
        released = written;
        if (sent != written && !stopped) {
            sendPending();
        }
    }

    /**
     * Hands pending descriptors to the queue, oldest first, until all went, the queue is full, or
     * a fenced op must wait for earlier ones. One write(2) per run (or per batch descriptor).
     */
    private void sendPending() {
        long w = released;
        while (sent < w) {
            long head = sent;
            int headSlot = (int) head & slotMask;
            if (slotFence[headSlot] && harvested < head) {
                return; // a fence outside a batch: wait until everything before it was reported
            }
            long end = head + 1;
            boolean batch = batchMinimum > 0;
            // A run: contiguous in the ring, within the batch size; without a batch a fence ends it.
            while (end < w && ((int) end & slotMask) != 0 && end - head < (batch ? batchMaximum : capacity)
                   && (batch || !slotFence[(int) end & slotMask])) {
                end++;
            }
            int n = (int) (end - head);
            if (batch && n >= batchMinimum) {
                if (!sendBatch(headSlot, n)) {
                    return;
                }
                sent = end;
            } else {
                if (interruptFlags != 0) {
                    requestInterrupt(descriptors, (long) (headSlot + n - 1) << 6);
                }
                long taken = port.write(descriptors, (long) headSlot << 6, (long) n << 6);
                writes++;
                if (taken < 0) {
                    refused(taken);
                    return;
                }
                sent = head + (taken >>> 6);
                if (taken >>> 6 < n) {
                    refusals++;
                    return; // the queue filled: the rest stays pending
                }
            }
        }
    }

    /** One batch descriptor for the n descriptors from headSlot; false when the queue did not take it. */
    private boolean sendBatch(int headSlot, int n) {
        for (int i = 0; i < n; i++) {
            int s = headSlot + i;
            slotBatch[s] = headSlot;
            if (i > 0 && slotFence[s]) {
                long at = ((long) s << 6) + DESC_FLAGS_OPCODE;
                descriptors.set(INT_LE, at, descriptors.get(INT_LE, at) | FLAG_FENCE);
            }
        }
        long b = (long) headSlot << 6;
        batchDescriptors.set(INT_LE, b, 0);
        batchDescriptors.set(INT_LE, b + DESC_FLAGS_OPCODE, (OPCODE_BATCH << OPCODE_SHIFT) | RECORD_FLAGS | interruptFlags);
        batchDescriptors.set(LONG_LE, b + DESC_COMPLETION_ADDR, batchRecordsAddress + ((long) headSlot << 5));
        batchDescriptors.set(LONG_LE, b + DESC_DESC_LIST_ADDR, descriptorsAddress + b);
        batchDescriptors.set(LONG_LE, b + DESC_DST_ADDR, 0);
        batchDescriptors.set(INT_LE, b + DESC_DESC_COUNT, n);
        batchDescriptors.set(INT_LE, b + DESC_DESC_COUNT + 4, interruptHandle & 0xffff);
        batchDescriptors.set(LONG_LE, b + 40, 0);
        batchDescriptors.set(LONG_LE, b + 48, 0);
        batchDescriptors.set(LONG_LE, b + 56, 0);
        batchRecords.set(ValueLayout.JAVA_BYTE, (long) headSlot << 5, (byte) 0);
        long taken = port.write(batchDescriptors, b, DESCRIPTOR_BYTES);
        writes++;
        if (taken == DESCRIPTOR_BYTES) {
            batches++;
            return true;
        }
        for (int i = 0; i < n; i++) {
            slotBatch[headSlot + i] = -1;
        }
        refused(taken);
        return false;
    }

    /** A write that took nothing: EAGAIN leaves everything pending; any other errno retires the channel. */
    private void refused(long result) {
        if (result == -EAGAIN || result == 0) {
            refusals++;
            return;
        }
        retire("the work queue refused a descriptor write with errno " + (-result)
            + " (queue disabled, device halted or descriptor rejected by the kernel)");
    }

    @Override
    public int poll(CompletionBatch out) {
        out.clear();
        if (stopped) {
            return 0;
        }
        if (sent != released) {
            sendPending(); // what a full queue or a fence held back
        }
        long h = harvested;
        long s = sent;
        while (h < s && out.remaining() > 0) {
            int slot = (int) h & slotMask;
            long r = (long) slot << 5;
            // Acquire: the bytes the device wrote before the status byte are seen after this load.
            int status = (byte) STATUS_BYTE.getAcquire(records, r) & 0xff;
            if (status == 0) {
                int batchHead = slotBatch[slot];
                if (batchHead < 0) {
                    break;
                }
                int batchStatus = (byte) STATUS_BYTE.getAcquire(batchRecords, (long) batchHead << 5) & 0xff;
                int batchCode = batchStatus & COMP_STATUS_MASK;
                if (batchStatus == 0 || batchCode == COMP_SUCCESS || batchCode == COMP_BATCH_FAIL) {
                    break; // the batch is still running (or this record will follow)
                }
                // The batch itself failed (descriptor list unreadable or misaligned, bad count):
                // its descriptors that wrote no record never ran.
                out.add(slotTicket[slot], DsaStatus.opStatus(batchStatus), batchStatus, 0);
                h++;
                continue;
            }
            if (DsaStatus.isPartialPageFault(status) && slotResumes[slot] < MAX_RESUMES && resume(slot, status)) {
                break; // written again; it completes later, and the ops after it are reported after it
            }
            int override = slotOverride[slot];
            int opStatus = override != NO_OVERRIDE ? override : DsaStatus.opStatus(status);
            int code = override != NO_OVERRIDE ? slotCode[slot] : status;
            long result = 0;
            if (opStatus == OpStatus.SUCCESS) {
                byte kind = slotKind[slot];
                if (kind == KIND_COMPARE) {
                    result = records.get(ValueLayout.JAVA_BYTE, r + REC_RESULT) == 0 ? DmaOpKind.COMPARE_EQUAL
                        : slotBase[slot] + (records.get(INT_LE, r + REC_BYTES_COMPLETED) & 0xffffffffL);
                } else if (kind == KIND_CRC) {
                    result = records.get(LONG_LE, r + REC_CRC_VAL) & 0xffffffffL;
                }
            }
            out.add(slotTicket[slot], opStatus, code, result);
            h++;
        }
        harvested = h;
        if (sent != released && !stopped) {
            sendPending(); // a fenced op may go now
        }
        return out.count();
    }

    /**
     * A page fault stopped the op in slot after bytes_completed bytes: touch the page, move the
     * descriptor past the completed bytes and write it again on its own. Fault path, not the hot one.
     *
     * @return true if the remainder went to the queue
     */
    private boolean resume(int slot, int status) {
        long r = (long) slot << 5;
        long d = (long) slot << 6;
        long done = records.get(INT_LE, r + REC_BYTES_COMPLETED) & 0xffffffffL;
        long faultAddress = records.get(LONG_LE, r + REC_FAULT_ADDR);
        int word = descriptors.get(INT_LE, d + DESC_FLAGS_OPCODE);
        int opcode = word >>> OPCODE_SHIFT;
        long src = descriptors.get(LONG_LE, d + DESC_SRC_ADDR);
        long dst = descriptors.get(LONG_LE, d + DESC_DST_ADDR);
        long size = descriptors.get(INT_LE, d + DESC_XFER_SIZE) & 0xffffffffL;
        long dst2 = descriptors.get(LONG_LE, d + DESC_DEST2);
        if (done >= size) {
            return false;
        }
        boolean patternAt16 = opcode == OPCODE_MEMFILL;
        boolean patternAt24 = opcode == OPCODE_COMPVAL || opcode == OPCODE_CRCGEN;
        boolean inside = (!patternAt16 && within(faultAddress, src, size)) || (!patternAt24 && within(faultAddress, dst, size))
            || (opcode == OPCODE_DUALCAST && within(faultAddress, dst2, size));
        if (!inside) {
            return false; // not an address of this op: never touch it
        }
        PageToucher.touch(faultAddress, DsaStatus.faultOnWrite(status));
        int rotate = (int) (done & 7) * 8;
        descriptors.set(LONG_LE, d + DESC_SRC_ADDR, patternAt16 ? Long.rotateRight(src, rotate) : src + done);
        descriptors.set(LONG_LE, d + DESC_DST_ADDR, patternAt24 ? (opcode == OPCODE_COMPVAL ? Long.rotateRight(dst, rotate) : dst)
            : dst + done);
        descriptors.set(INT_LE, d + DESC_XFER_SIZE, (int) (size - done));
        if (opcode == OPCODE_DUALCAST) {
            descriptors.set(LONG_LE, d + DESC_DEST2, dst2 + done);
        } else if (opcode == OPCODE_CRCGEN) {
            // The record holds the CRC of the completed bytes: the seed of the rest.
            descriptors.set(INT_LE, d + DESC_CRC_SEED, records.get(INT_LE, r + REC_CRC_VAL));
        }
        descriptors.set(INT_LE, d + DESC_FLAGS_OPCODE, (word & ~FLAG_FENCE) | interruptFlags); // alone now, not in a batch
        descriptors.set(INT_LE, d + DESC_XFER_SIZE + 4, interruptFlags != 0 ? interruptHandle & 0xffff : 0);
        slotBase[slot] += done;
        slotBatch[slot] = -1;
        records.set(ValueLayout.JAVA_BYTE, r, (byte) 0);
        long taken = port.write(descriptors, d, DESCRIPTOR_BYTES);
        writes++;
        if (taken != DESCRIPTOR_BYTES) {
            // Not taken: the record shows the fault again so that it completes TRANSFER_FAULT.
            records.set(ValueLayout.JAVA_BYTE, r, (byte) status);
            slotResumes[slot] = MAX_RESUMES;
            return false;
        }
        slotResumes[slot]++;
        resumes++;
        return true;
    }

    /** RCI and the interrupt handle on the descriptor at {@code at}: its completion raises the channel's vector. */
    private void requestInterrupt(MemorySegment ring, long at) {
        ring.set(INT_LE, at + DESC_FLAGS_OPCODE, ring.get(INT_LE, at + DESC_FLAGS_OPCODE) | FLAG_RCI);
        ring.set(INT_LE, at + DESC_XFER_SIZE + 4, interruptHandle & 0xffff);
    }

    private static boolean within(long address, long start, long length) {
        return address - start >= 0 && address - start < length;
    }

    private void retire(String why) {
        String swerr = port.softwareError();
        retiredReason = name + ": " + why + (swerr != null ? "; " + swerr : "");
        stopped = true;
    }

    /**
     * Waits until the queue finished every descriptor it took, then forgets every op not reported
     * (the core fails them): what a process that cannot reset the device can do. Control path.
     *
     * @throws IllegalStateException if the queue does not finish within the timeout: it is stuck
     *                               or the device halted, and only the administrator can reset it
     */
    void drain(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        for (long h = harvested; h < sent; ) {
            int slot = (int) h & slotMask;
            int status = (byte) STATUS_BYTE.getAcquire(records, (long) slot << 5) & 0xff;
            int batchHead = slotBatch[slot];
            int batchStatus = batchHead < 0 ? 0 : (byte) STATUS_BYTE.getAcquire(batchRecords, (long) batchHead << 5) & 0xff;
            if (status != 0 || (batchStatus != 0 && (batchStatus & COMP_STATUS_MASK) != COMP_SUCCESS
                                && (batchStatus & COMP_STATUS_MASK) != COMP_BATCH_FAIL)) {
                h++;
                continue;
            }
            if (System.nanoTime() - deadline > 0) {
                String swerr = port.softwareError();
                String why = name + ": " + (sent - h) + " descriptors the work queue took did not complete within "
                    + timeoutNanos / 1_000_000 + " ms; a process cannot reset an idxd queue, so the engine is retired"
                    + " (the administrator can: accel-config disable-wq / enable-wq)" + (swerr != null ? "; " + swerr : "");
                retiredReason = why;
                stopped = true;
                throw new IllegalStateException(why);
            }
            Thread.onSpinWait();
        }
        if (stopped) {
            throw new IllegalStateException(retiredReason);
        }
        harvested = written;
        released = written;
        sent = written;
    }

    /** After the device itself dropped everything (vfio: queue disabled and reset): forget every op not reported. */
    void forget() {
        harvested = written;
        released = written;
        sent = written;
        stopped = false;
        retiredReason = null;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public CompletionInterrupt interrupt() {
        return interrupt;
    }

    String submission() {
        return port.submission();
    }

    void closePort() {
        stopped = true;
        port.close();
    }

    @Override
    public String toString() {
        return name + " (" + port.submission() + ", capacity " + capacity + ", batch " + (batchMinimum > 0 ? "from " + batchMinimum
            : "off") + ")";
    }
}
