package io.dmactl.provider.nvme;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.vfio.pci.MmioRegisters;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static io.dmactl.provider.nvme.NvmeRegisters.CQ_ENTRY_BYTES;
import static io.dmactl.provider.nvme.NvmeRegisters.PAGE_BYTES;
import static io.dmactl.provider.nvme.NvmeRegisters.SQ_ENTRY_BYTES;
import static io.dmactl.provider.nvme.SubmissionEntry.U64;

/**
 * One I/O queue pair: the fast path.
 *
 * <pre>
 *   enqueue: take a free tracker (cid), tracker[cid] = ticket, write the SQE with opaque stores
 *            (and the PRP list or Copy ranges into cid's own page); no doorbell
 *   submit:  release-store the SQ tail doorbell once, up to the first fence still waiting
 *   poll:    acquire-load each CQE's phase+cid dword, check SQID, SQHD and the command id
 *            against what is outstanding (see poll), report tracker[cid], free cid; a CQE
 *            that fails is dropped and counted; one CQ head doorbell for the whole poll
 * </pre>
 *
 * Command ids index preallocated trackers; the SQ and CQ have {@code capacity + 1} entries, so
 * with at most {@code capacity} commands outstanding neither can overflow and enqueue needs no
 * look at the controller's SQ head. NVMe completes commands in any order. A fenced op's SQE waits
 * behind the doorbell until every command before it has completed. A refused op never reaches the
 * SQ: it completes {@link OpStatus#INVALID} with its {@link NvmeOpCheck} code on the next poll.
 * Single owner thread, nothing allocated after construction.
 */
final class NvmeChannel implements DmaChannel {
    private static final VarHandle CQ_DWORD = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    /** {@link #sqSeq} of a tracker whose command is not in the SQ (free, or refused before the SQ). */
    private static final long NOT_IN_QUEUE = Long.MAX_VALUE;
    /** Command ids are 16 bits (CDW0 31:16, CQE bytes 12-13). */
    private static final int CID_BITS = 16;
    /** The largest ring: command ids keep at least 4 generation bits above the tracker index. */
    static final int MAX_CAPACITY = 1 << (CID_BITS - 4);

    // ---- hot: owner thread ----
    private final MmioRegisters doorbells;
    private final long sqTailDoorbell;
    private final long cqHeadDoorbell;
    /** The SQ, host memory or CMB, written like device memory (see {@link SubmissionEntry}). */
    private final MmioRegisters sq;
    private final MemorySegment cq;
    private final MemorySegment slotPages;
    private final long slotPagesIova;
    private final long[] tickets;
    /** Per tracker: the SQ sequence number ({@link #written} count) of its SQE, or {@link #NOT_IN_QUEUE}. */
    private final long[] sqSeq;
    /** Per tracker: the generation in the high bits of its current command id. */
    private final int[] generation;
    private final int[] refusals;
    private final int[] freeCids;
    private final int[] refused;
    private final long[] fences;
    private final int capacity;
    private final int mask;
    /** Low bits of a command id: the tracker; the bits above: its generation. */
    private final int trackerBits;
    private final int generationMask;
    private final int queueEntries;
    private final int qid;
    private final int nsid;
    private final int namespaceSpace;
    private final int blockShift;
    private final long blockMask;
    private final long namespaceBytes;
    private final int maxTransferBytes;
    private final boolean copySupported;
    private final int maxRangeBlocks;
    private final int maxRanges;
    private final int maxCopyBlocks;
    private long nextTicket;
    private int freeCount;
    private int sqTail;
    private int cqHead;
    private int phase;
    /** The SQ head the controller last reported (SQHD of the last accepted CQE), as index and as sequence number. */
    private int sqHead;
    private long sqHeadSeq;
    private long written;
    private long submitted;
    private long doorbelled;
    private long deviceCompleted;
    private long refusedHead;
    private long refusedTail;
    private long fenceHead;
    private long fenceTail;

    /** Off the hot path: touched only for a faulty completion entry. */
    private final CompletionFaults faults;

    // ---- below here: not on the I/O path ----
    private final int index;
    private final CompletionInterrupt interrupt;

    NvmeChannel(int index, int qid, NvmeQueueMemory memory, MmioRegisters doorbells, int doorbellStride,
                NvmeNamespace namespace, int namespaceSpace, int maxTransferBytes, CompletionInterrupt interrupt) {
        int ringSize = memory.capacity();
        if (ringSize < 2 || ringSize > MAX_CAPACITY || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("nvme ring size " + ringSize + " must be a power of two in 2.." + MAX_CAPACITY);
        }
        this.index = index;
        this.qid = qid;
        this.interrupt = interrupt;
        this.doorbells = doorbells;
        this.sqTailDoorbell = NvmeRegisters.sqTailDoorbell(qid, doorbellStride);
        this.cqHeadDoorbell = NvmeRegisters.cqHeadDoorbell(qid, doorbellStride);
        this.sq = new MmioRegisters(memory.submissionQueue(), "nvme I/O SQ " + qid, doorbells.pollPauseNanos());
        this.cq = memory.completionQueue();
        this.slotPages = memory.slotPages();
        this.slotPagesIova = memory.slotPagesIova();
        this.capacity = ringSize;
        this.mask = ringSize - 1;
        this.trackerBits = Integer.numberOfTrailingZeros(ringSize);
        this.generationMask = (1 << (CID_BITS - trackerBits)) - 1;
        this.queueEntries = memory.queueEntries();
        this.tickets = new long[ringSize];
        this.sqSeq = new long[ringSize];
        this.generation = new int[ringSize];
        this.faults = new CompletionFaults("I/O queue pair " + qid);
        this.refusals = new int[ringSize];
        this.freeCids = new int[ringSize];
        this.refused = new int[ringSize];
        this.fences = new long[ringSize];
        this.nsid = namespace.nsid();
        this.namespaceSpace = namespaceSpace;
        this.blockShift = Integer.numberOfTrailingZeros(namespace.blockBytes());
        this.blockMask = namespace.blockBytes() - 1;
        this.namespaceBytes = namespace.sizeBytes();
        this.maxTransferBytes = maxTransferBytes;
        this.copySupported = namespace.copySupported();
        this.maxRangeBlocks = namespace.maxSingleRangeBlocks();
        this.maxRanges = namespace.copyRangesPerCommand();
        this.maxCopyBlocks = (int) Math.min(Integer.toUnsignedLong(namespace.maxCopyBlocks()), Integer.MAX_VALUE); // MCL is unsigned
        emptyQueues();
    }

    @Override
    public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        if (freeCount == 0) {
            return NO_SPACE;
        }
        int cid = freeCids[--freeCount];
        long ticket = nextTicket++;
        tickets[cid] = ticket;
        int refusal;
        if (lengthBytes <= 0) {
            refusal = NvmeOpCheck.NOT_POSITIVE_LENGTH;
        } else if (srcSpace == SPACE_BUS && dstSpace == namespaceSpace) {
            refusal = readWrite(SubmissionEntry.NVM_WRITE, cid, srcAddress, dstAddress, lengthBytes);
        } else if (srcSpace == namespaceSpace && dstSpace == SPACE_BUS) {
            refusal = readWrite(SubmissionEntry.NVM_READ, cid, dstAddress, srcAddress, lengthBytes);
        } else if (srcSpace == namespaceSpace && dstSpace == namespaceSpace) {
            refusal = copy(cid, srcAddress, dstAddress, lengthBytes);
        } else {
            refusal = NvmeOpCheck.UNSUPPORTED_SPACES;
        }
        finishEnqueue(cid, refusal, flags);
        return ticket;
    }

    @Override
    public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        if (freeCount == 0) {
            return NO_SPACE;
        }
        int cid = freeCids[--freeCount];
        long ticket = nextTicket++;
        tickets[cid] = ticket;
        finishEnqueue(cid, NvmeOpCheck.UNSUPPORTED_OP, flags);
        return ticket;
    }

    private void finishEnqueue(int cid, int refusal, int flags) {
        if (refusal != NvmeOpCheck.OK) {
            refusals[cid] = refusal;
            refused[(int) (refusedTail++ & mask)] = cid;
        } else {
            if ((flags & FLAG_FENCE) != 0) {
                fences[(int) (fenceTail++ & mask)] = written; // this SQE waits for everything before it
            }
            sqSeq[cid] = written++;
        }
        if ((flags & FLAG_SUBMIT) != 0) {
            submit();
        }
    }

    /** A Read or Write between the bus address {@code busAddress} and namespace byte {@code offset}. */
    private int readWrite(int opcode, int cid, long busAddress, long offset, int lengthBytes) {
        if (lengthBytes > maxTransferBytes) {
            return NvmeOpCheck.LONGER_THAN_MAX_TRANSFER; // MDTS (or one PRP list page)
        }
        if ((busAddress & 3) != 0) {
            return NvmeOpCheck.BUS_ADDRESS_NOT_DWORD_ALIGNED;
        }
        int check = NvmeOpCheck.checkNamespaceRange(offset, lengthBytes, blockMask, namespaceBytes);
        if (check != NvmeOpCheck.OK) {
            return check;
        }
        long prp2 = Prp.prp2(busAddress, lengthBytes, slotPages, (long) cid * PAGE_BYTES, slotPagesIova + (long) cid * PAGE_BYTES);
        long lba = offset >>> blockShift;
        int blocks0 = (lengthBytes >>> blockShift) - 1; // NLB is 0's based
        SubmissionEntry.write(sq, (long) sqTail * SQ_ENTRY_BYTES, opcode, commandId(cid), nsid, busAddress, prp2,
            (int) lba, (int) (lba >>> 32), blocks0, 0);
        advanceTail();
        return NvmeOpCheck.OK;
    }

    /**
     * Copy (NVM Command Set 3.3.1): source ranges of at most MSSRL blocks each, written as
     * format-0 descriptors (32 bytes: SLBA at byte 8, 0's based NLB at byte 16) into cid's page.
     */
    private int copy(int cid, long sourceOffset, long destinationOffset, int lengthBytes) {
        if (!copySupported) {
            return NvmeOpCheck.COPY_UNSUPPORTED;
        }
        int check = NvmeOpCheck.checkNamespaceRange(sourceOffset, lengthBytes, blockMask, namespaceBytes);
        if (check == NvmeOpCheck.OK) {
            check = NvmeOpCheck.checkNamespaceRange(destinationOffset, lengthBytes, blockMask, namespaceBytes);
        }
        if (check != NvmeOpCheck.OK) {
            return check;
        }
        int blocks = lengthBytes >>> blockShift;
        int ranges = (blocks + maxRangeBlocks - 1) / maxRangeBlocks;
        if (blocks > maxCopyBlocks || ranges > maxRanges) {
            return NvmeOpCheck.LONGER_THAN_MAX_COPY; // MCL, or more MSSRL-long ranges than allowed
        }
        MemorySegment page = slotPages;
        long base = (long) cid * PAGE_BYTES;
        long lba = sourceOffset >>> blockShift;
        int left = blocks;
        for (int r = 0; r < ranges; r++) {
            int n = Math.min(left, maxRangeBlocks);
            long at = base + (long) r * 32;
            page.set(U64, at, 0L);
            page.set(U64, at + 8, lba);
            page.set(U64, at + 16, n - 1);
            page.set(U64, at + 24, 0L);
            lba += n;
            left -= n;
        }
        long destinationLba = destinationOffset >>> blockShift;
        SubmissionEntry.write(sq, (long) sqTail * SQ_ENTRY_BYTES, SubmissionEntry.NVM_COPY, commandId(cid), nsid,
            slotPagesIova + (long) cid * PAGE_BYTES, 0, (int) destinationLba, (int) (destinationLba >>> 32),
            ranges - 1, 0); // CDW12: NR (0's based) 7:0, descriptor format 0 in 11:8
        advanceTail();
        return NvmeOpCheck.OK;
    }

    /** The id the controller sees for tracker {@code cid}: its generation above the tracker index. */
    private int commandId(int cid) {
        return generation[cid] << trackerBits | cid;
    }

    /** Tracker {@code cid} is free again; its next command gets a new id, so a late duplicate of this one matches nothing. */
    private void free(int cid) {
        sqSeq[cid] = NOT_IN_QUEUE;
        generation[cid] = (generation[cid] + 1) & generationMask;
        freeCids[freeCount++] = cid;
    }

    private void advanceTail() {
        int next = sqTail + 1;
        sqTail = next == queueEntries ? 0 : next;
    }

    @Override
    public void submit() {
        submitted = written;
        ringSubmission();
    }

    /** Rings the SQ tail doorbell up to what was submitted, stopping before a fence that must still wait. */
    private void ringSubmission() {
        long limit = submitted;
        while (fenceHead != fenceTail) {
            long fence = fences[(int) (fenceHead & mask)];
            if (fence >= limit) {
                break;
            }
            if (doorbelled < fence || doorbelled != deviceCompleted) {
                limit = fence; // commands before the fence are not all rung or not all done
                break;
            }
            fenceHead++; // everything before it completed: the fenced command may go
        }
        if (limit > doorbelled) {
            doorbelled = limit;
            // Release: the SQEs, PRP lists, copy ranges and the client's data are visible before the tail moves.
            doorbells.write32Release(sqTailDoorbell, (int) (limit % queueEntries));
        }
    }

    /**
     * Reports refused ops, then drains the CQ. Every entry with the current phase tag is consumed
     * (and handed back with the CQ head doorbell) but completes an op only if it checks out, in
     * this order (NVMe 1.4, 4.6, figure 121; dropped entries go to {@link CompletionFaults}):
     * <ol>
     *   <li>SQID is this pair's queue id (one SQ per CQ here);</li>
     *   <li>SQHD is an entry of the SQ, and moves the head forward no further than the tail rung
     *       (the controller reports the head as it was when it posted the entry, so heads only
     *       advance, and never past the doorbell);</li>
     *   <li>the command id's tracker holds a command with that id: same generation (a stale or
     *       duplicated id from a tracker's earlier use matches nothing) and in the SQ;</li>
     *   <li>that command's SQE lies before the reported head (the controller fetched it).</li>
     * </ol>
     * An entry that passes completes its op exactly once (the tracker is freed and its next id
     * differs); one that fails completes nothing and never throws. A poll consumes at most one
     * queue's worth of entries, so a controller that keeps writing junk cannot hold it. The phase
     * tag itself is the only "new entry" signal: an entry posted with the wrong phase stays
     * invisible, and its op ends by the core's timeout.
     */
    @Override
    public int poll(CompletionBatch out) {
        out.clear();
        while (refusedHead != refusedTail && out.remaining() > 0) {
            int cid = refused[(int) (refusedHead++ & mask)];
            out.add(tickets[cid], OpStatus.INVALID, refusals[cid]);
            free(cid);
        }
        int head = cqHead;
        int consumed = 0;
        int accepted = 0;
        while (out.remaining() > 0 && consumed < queueEntries) {
            long entry = (long) head * CQ_ENTRY_BYTES;
            // Acquire: the phase tag is read before anything the command wrote (CQE, client data).
            int dword = (int) CQ_DWORD.getAcquire(cq, entry + CompletionEntry.CID_AND_STATUS);
            int status16 = dword >>> 16;
            if (CompletionEntry.phase(status16) != phase) {
                break;
            }
            int sqWord = (int) CQ_DWORD.get(cq, entry + CompletionEntry.SQHD); // SQHD 15:0, SQID 31:16; after the acquire
            int commandId = dword & 0xffff;
            int cid = commandId & mask;
            int reportedHead = sqWord & 0xffff;
            int advance = reportedHead - sqHead;
            if (advance < 0) {
                advance += queueEntries;
            }
            long headSeq = sqHeadSeq + advance;
            int fault;
            if (sqWord >>> 16 != qid) {
                fault = CompletionFaults.WRONG_SQID;
            } else if (reportedHead >= queueEntries) {
                fault = CompletionFaults.SQ_HEAD_OUTSIDE_QUEUE;
            } else if (headSeq > doorbelled) {
                fault = CompletionFaults.SQ_HEAD_PAST_TAIL;
            } else if (commandId >>> trackerBits != generation[cid] || sqSeq[cid] == NOT_IN_QUEUE) {
                fault = CompletionFaults.CID_NOT_OUTSTANDING;
            } else if (sqSeq[cid] >= headSeq) {
                fault = CompletionFaults.CID_NOT_FETCHED;
            } else {
                fault = 0;
            }
            if (fault == 0) {
                sqHead = reportedHead;
                sqHeadSeq = headSeq;
                int code = CompletionEntry.statusCode(status16);
                if (NvmeStatus.reservedType(code)) {
                    faults.reservedStatus(); // still the command's end: DEVICE_ERROR with the code
                }
                out.add(tickets[cid], NvmeStatus.toOpStatus(code), code);
                free(cid);
                accepted++;
            } else {
                faults.dropped(fault, commandId, reportedHead, sqWord >>> 16, status16);
            }
            consumed++;
            if (++head == queueEntries) {
                head = 0;
                phase ^= 1;
            }
        }
        if (consumed > 0) {
            cqHead = head;
            deviceCompleted += accepted;
            // Release: our reads of the consumed entries happen before the controller may reuse them.
            doorbells.write32Release(cqHeadDoorbell, head);
            if (fenceHead != fenceTail) {
                ringSubmission();
            }
        }
        return out.count();
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

    /** The I/O queue id of this channel's SQ and CQ (control path). */
    int qid() {
        return qid;
    }

    /** Commands enqueued and not yet reported by poll (control path: diagnostics, tests). */
    int outstanding() {
        return capacity - freeCount;
    }

    /** Faulty completion entries seen by this pair (control path: the watchdog, diagnostics, tests). */
    CompletionFaults faults() {
        return faults;
    }

    /**
     * After a controller reset that recreated this pair's queues (owner paused, controller touching
     * none of our memory): every op is dropped, queues start empty at index 0 with phase 1, and the
     * caller has zeroed the CQ. Ticket numbering continues; every tracker's command id changes, and
     * the faults' condition clears (their counts stay).
     */
    void restart() {
        for (int cid = 0; cid < capacity; cid++) {
            generation[cid] = (generation[cid] + 1) & generationMask;
        }
        emptyQueues();
        faults.restart();
    }

    private void emptyQueues() {
        for (int cid = 0; cid < capacity; cid++) {
            freeCids[cid] = capacity - 1 - cid; // cid 0 is taken first
            sqSeq[cid] = NOT_IN_QUEUE;
        }
        freeCount = capacity;
        sqTail = 0;
        cqHead = 0;
        phase = 1;
        sqHead = 0;
        sqHeadSeq = 0;
        written = 0;
        submitted = 0;
        doorbelled = 0;
        deviceCompleted = 0;
        refusedHead = 0;
        refusedTail = 0;
        fenceHead = 0;
        fenceTail = 0;
    }
}
