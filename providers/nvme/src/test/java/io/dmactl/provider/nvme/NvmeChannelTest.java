package io.dmactl.provider.nvme;

import io.dmactl.core.conformance.ThreadAllocation;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.dmactl.core.spi.DmaChannel.FLAG_FENCE;
import static io.dmactl.core.spi.DmaChannel.FLAG_SUBMIT;
import static io.dmactl.core.spi.DmaChannel.NO_SPACE;
import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static io.dmactl.provider.nvme.FakeQueuePair.SENTINEL;
import static io.dmactl.provider.nvme.FakeQueuePair.SLOTS_IOVA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The I/O queue pair's fast path against memory standing in for the controller. */
class NvmeChannelTest {
    private static final int NS = 1;
    private static final int NSID = 7;
    private static final long IOVA = 0x800_0000;
    /** 512-byte blocks, 64 MiB, Copy with mssrl 128, 8 ranges, mcl 1024. */
    private static final NvmeNamespace NAMESPACE = new NvmeNamespace(NSID, 131072, 512, true, 128, 8, 1024);
    private static final int MAX_TRANSFER = 512 * 1024;

    private final FakeQueuePair controller = new FakeQueuePair(8);
    private final CompletionBatch batch = new CompletionBatch(32);

    @AfterEach
    void close() {
        controller.close();
    }

    private NvmeChannel channel() {
        return channel(NAMESPACE);
    }

    private NvmeChannel channel(NvmeNamespace namespace) {
        return new NvmeChannel(0, FakeQueuePair.QID, controller.memory, controller.mmio, 0, namespace, NS, MAX_TRANSFER, null);
    }

    private void assertCompletion(int index, long ticket, int status, int deviceCode) {
        assertEquals(ticket, batch.ticket(index), "ticket of completion " + index);
        assertEquals(OpStatus.name(status), OpStatus.name(batch.status(index)), "status of ticket " + ticket);
        assertEquals(deviceCode, batch.deviceCode(index), "device code of ticket " + ticket);
    }

    @Test
    void aWriteAndAReadBecomeSqesAndNothingIsRungBeforeSubmit() {
        NvmeChannel channel = channel();
        assertEquals(0, channel.enqueueCopy(SPACE_BUS, IOVA + 0x40, NS, 512 * 10, 1024, 0));
        assertEquals(1, channel.enqueueCopy(NS, 4096, SPACE_BUS, IOVA + 0x1000, 4096, 0));
        assertEquals(SENTINEL, controller.sqTailDoorbell(), "enqueue must not ring the doorbell");
        channel.submit();
        assertEquals(2, controller.sqTailDoorbell(), "one doorbell write with the new tail");

        assertEquals(SubmissionEntry.NVM_WRITE, controller.opcode(0));
        assertEquals(NSID, controller.sqe(0, 1));
        assertEquals(IOVA + 0x40, controller.sqe64(0, SubmissionEntry.PRP1));
        assertEquals(0, controller.sqe64(0, SubmissionEntry.PRP2), "1 KiB inside one page: no PRP2");
        assertEquals(10, controller.sqe64(0, SubmissionEntry.CDW10), "SLBA");
        assertEquals(1, controller.sqe(0, 12) & 0xffff, "NLB is 0's based: 2 blocks");

        assertEquals(SubmissionEntry.NVM_READ, controller.opcode(1));
        assertEquals(IOVA + 0x1000, controller.sqe64(1, SubmissionEntry.PRP1));
        assertEquals(8, controller.sqe64(1, SubmissionEntry.CDW10));
        assertEquals(7, controller.sqe(1, 12) & 0xffff);
        assertTrue(controller.cid(0) != controller.cid(1), "distinct command ids");
    }

    @Test
    void multiPageBuffersGetPrp2OrAPrpListInTheirSlotPage() {
        NvmeChannel channel = channel();
        channel.enqueueCopy(SPACE_BUS, IOVA + 0xf00, NS, 0, 1024, 0);            // 2 pages
        channel.enqueueCopy(SPACE_BUS, IOVA + 0x200, NS, 0, 4 * 4096, FLAG_SUBMIT); // 5 pages: a list
        assertEquals(IOVA + 0x1000, controller.sqe64(0, SubmissionEntry.PRP2), "the second page");
        int cid = controller.cid(1);
        assertEquals(SLOTS_IOVA + (long) cid * 4096, controller.sqe64(1, SubmissionEntry.PRP2), "the list in cid's page");
        for (int i = 0; i < 4; i++) {
            assertEquals(IOVA + 0x1000 + i * 4096L, controller.slot64(cid, 8L * i), "list entry " + i);
        }
    }

    @Test
    void aCopySplitsItsSourceIntoRangesOfAtMostMssrlBlocks() {
        NvmeChannel channel = channel();
        channel.enqueueCopy(NS, 512 * 100, NS, 512 * 5000, 512 * 300, FLAG_SUBMIT); // 300 blocks: 128 + 128 + 44
        assertEquals(SubmissionEntry.NVM_COPY, controller.opcode(0));
        int cid = controller.cid(0);
        assertEquals(SLOTS_IOVA + (long) cid * 4096, controller.sqe64(0, SubmissionEntry.PRP1), "ranges in cid's page");
        assertEquals(5000, controller.sqe64(0, SubmissionEntry.CDW10), "SDLBA");
        assertEquals(2, controller.sqe(0, 12) & 0xff, "NR is 0's based: 3 ranges");
        long[][] ranges = {{100, 127}, {228, 127}, {356, 43}};
        for (int r = 0; r < ranges.length; r++) {
            assertEquals(ranges[r][0], controller.slot64(cid, 32L * r + 8), "SLBA of range " + r);
            assertEquals(ranges[r][1], controller.slot64(cid, 32L * r + 16) & 0xffff, "NLB of range " + r);
        }
    }

    @Test
    void refusedOpsCompleteInvalidWithTheirReasonAndNeverReachTheQueue() {
        NvmeChannel channel = channel(new NvmeNamespace(NSID, 131072, 512, false, 0, 1, 0));
        channel.enqueueCopy(SPACE_BUS, IOVA, NS, 0, 0, 0);
        channel.enqueueCopy(SPACE_BUS, IOVA, NS, 0, MAX_TRANSFER + 512, 0);
        channel.enqueueCopy(SPACE_BUS, IOVA, NS, 100, 512, 0);
        channel.enqueueCopy(SPACE_BUS, IOVA, NS, 64L << 20, 512, 0);
        channel.enqueueCopy(SPACE_BUS, IOVA + 2, NS, 0, 512, 0);
        channel.enqueueCopy(SPACE_BUS, IOVA, SPACE_BUS, IOVA + 4096, 512, 0);
        channel.enqueueCopy(NS, 0, NS, 4096, 512, 0);
        channel.enqueueFill(0, NS, 0, 512, FLAG_SUBMIT);
        assertEquals(SENTINEL, controller.sqTailDoorbell(), "nothing reached the submission queue");
        assertEquals(8, channel.poll(batch));
        int[] reasons = {NvmeOpCheck.NOT_POSITIVE_LENGTH, NvmeOpCheck.LONGER_THAN_MAX_TRANSFER, NvmeOpCheck.NOT_BLOCK_MULTIPLE,
            NvmeOpCheck.OUTSIDE_NAMESPACE, NvmeOpCheck.BUS_ADDRESS_NOT_DWORD_ALIGNED, NvmeOpCheck.UNSUPPORTED_SPACES,
            NvmeOpCheck.COPY_UNSUPPORTED, NvmeOpCheck.UNSUPPORTED_OP};
        for (int i = 0; i < reasons.length; i++) {
            assertCompletion(i, i, OpStatus.INVALID, reasons[i]);
        }
        assertEquals(0, channel.poll(batch), "each ticket is reported once");
        assertEquals(SENTINEL, controller.cqHeadDoorbell(), "no CQ entry was consumed");
    }

    @Test
    void readsAndWritesStopAtMdtsAndCopiesAtMclEachWithItsOwnReason() {
        // MCL 2048 blocks (1 MiB) above MDTS (MAX_TRANSFER, 512 KiB): a Copy moves no data through PRPs.
        NvmeChannel channel = channel(new NvmeNamespace(NSID, 131072, 512, true, 4096, 8, 2048));
        long bigCopy = channel.enqueueCopy(NS, 0, NS, 8L << 20, 1 << 20, 0);
        long tooLongCopy = channel.enqueueCopy(NS, 0, NS, 8L << 20, (1 << 20) + 512, 0);
        long tooLongWrite = channel.enqueueCopy(SPACE_BUS, IOVA, NS, 0, MAX_TRANSFER + 512, 0);
        long tooLongRead = channel.enqueueCopy(NS, 0, SPACE_BUS, IOVA, MAX_TRANSFER + 512, FLAG_SUBMIT);
        assertEquals(1, controller.sqTailDoorbell(), "only the copy within MCL reached the submission queue");
        assertEquals(SubmissionEntry.NVM_COPY, controller.opcode(0));
        assertEquals(3, channel.poll(batch), "the refusals complete at once, the copy waits for the controller");
        assertCompletion(0, tooLongCopy, OpStatus.INVALID, NvmeOpCheck.LONGER_THAN_MAX_COPY);
        assertCompletion(1, tooLongWrite, OpStatus.INVALID, NvmeOpCheck.LONGER_THAN_MAX_TRANSFER);
        assertCompletion(2, tooLongRead, OpStatus.INVALID, NvmeOpCheck.LONGER_THAN_MAX_TRANSFER);
        controller.complete(controller.cid(0), NvmeStatus.SUCCESS);
        assertEquals(1, channel.poll(batch));
        assertCompletion(0, bigCopy, OpStatus.SUCCESS, 0);
    }

    @Test
    void completionsInAnyOrderMapStatusesAndRingTheCqDoorbellOncePerPoll() {
        NvmeChannel channel = channel();
        for (int i = 0; i < 3; i++) {
            channel.enqueueCopy(SPACE_BUS, IOVA, NS, 512L * i, 512, 0);
        }
        channel.submit();
        int[] cids = {controller.cid(0), controller.cid(1), controller.cid(2)};
        assertEquals(0, channel.poll(batch), "no completion posted yet");
        assertEquals(SENTINEL, controller.cqHeadDoorbell());
        controller.complete(cids[2], NvmeStatus.SUCCESS);
        controller.complete(cids[0], NvmeStatus.DATA_TRANSFER_ERROR);
        assertEquals(2, channel.poll(batch));
        assertCompletion(0, 2, OpStatus.SUCCESS, 0);
        assertCompletion(1, 0, OpStatus.TRANSFER_FAULT, 0x004);
        assertEquals(2, controller.cqHeadDoorbell(), "the CQ head after two entries, written once");
        controller.resetSentinel();
        controller.complete(cids[1], 0x281); // SCT 2 (media), SC 0x81: unrecovered read error
        assertEquals(1, channel.poll(batch));
        assertCompletion(0, 1, OpStatus.DEVICE_ERROR, 0x281);
        assertEquals(3, controller.cqHeadDoorbell());
        assertEquals(SENTINEL, controller.sqTailDoorbell(), "poll rings no SQ doorbell without a fence");
        assertEquals(0, channel.outstanding());
    }

    @Test
    void aFullRingSaysNoSpaceAndQueuesWrapWithThePhaseTag() {
        NvmeChannel channel = channel();
        for (int i = 0; i < 8; i++) {
            assertEquals(i, channel.enqueueCopy(SPACE_BUS, IOVA, NS, 0, 512, 0));
        }
        assertEquals(NO_SPACE, channel.enqueueCopy(SPACE_BUS, IOVA, NS, 0, 512, FLAG_SUBMIT));
        assertEquals(NO_SPACE, channel.enqueueFill(0, NS, 0, 512, FLAG_SUBMIT));
        assertEquals(SENTINEL, controller.sqTailDoorbell(), "a NO_SPACE enqueue with FLAG_SUBMIT must change nothing");
        channel.submit();
        // 9-entry queues: run 40 ops through so both queues wrap several times.
        long next = 8;
        int sqIndex = 0;
        for (int round = 0; round < 40; round++) {
            int cid = controller.cid(sqIndex);
            sqIndex = (sqIndex + 1) % 9;
            controller.complete(cid, NvmeStatus.SUCCESS);
            assertEquals(1, channel.poll(batch), "round " + round);
            assertEquals(round, batch.ticket(0));
            assertEquals(next, channel.enqueueCopy(SPACE_BUS, IOVA, NS, 0, 512, FLAG_SUBMIT));
            next++;
        }
        assertEquals((8 + 40) % 9, controller.sqTailDoorbell());
        assertEquals(40 % 9, controller.cqHeadDoorbell());
        assertEquals(8, channel.outstanding());
    }

    @Test
    void aFencedOpWaitsBehindTheDoorbellUntilEverythingBeforeItCompleted() {
        NvmeChannel channel = channel();
        channel.enqueueCopy(SPACE_BUS, IOVA, NS, 0, 512, 0);
        channel.enqueueCopy(SPACE_BUS, IOVA, NS, 512, 512, 0);
        channel.enqueueCopy(NS, 0, SPACE_BUS, IOVA, 1024, FLAG_FENCE);
        channel.enqueueCopy(SPACE_BUS, IOVA, NS, 4096, 512, FLAG_SUBMIT);
        assertEquals(2, controller.sqTailDoorbell(), "only the ops before the fence are rung");
        controller.complete(controller.cid(1), NvmeStatus.SUCCESS);
        assertEquals(1, channel.poll(batch));
        assertEquals(2, controller.sqTailDoorbell(), "one op before the fence is still running");
        controller.complete(controller.cid(0), NvmeStatus.SUCCESS);
        assertEquals(1, channel.poll(batch));
        assertEquals(4, controller.sqTailDoorbell(), "the fenced op and what follows it go");
    }

    @Test
    void restartDropsEveryOpAndTicketsContinue() {
        NvmeChannel channel = channel();
        channel.enqueueCopy(SPACE_BUS, IOVA, NS, 0, 512, FLAG_SUBMIT);
        channel.enqueueCopy(SPACE_BUS, IOVA, NS, 0, 0, FLAG_SUBMIT); // refused, not yet reported
        controller.memory.completionQueue().fill((byte) 0); // the engine's reset zeroes the CQ
        channel.restart();
        assertEquals(0, channel.poll(batch), "dropped tickets are never reported");
        assertEquals(0, channel.outstanding());
        controller.resetSentinel();
        assertEquals(2, channel.enqueueCopy(SPACE_BUS, IOVA, NS, 0, 512, FLAG_SUBMIT));
        assertEquals(1, controller.sqTailDoorbell(), "the queue starts over at entry 0");
    }

    /** enqueue, submit and poll allocate nothing (the thread's allocation counter stays put). */
    @Test
    void theFastPathAllocatesNothing() {
        NvmeChannel channel = channel();
        long allocated = ThreadAllocation.bytesAllocatedBy(() -> cycle(channel, 20_000));
        assertEquals(0, allocated, "bytes allocated by 20000 enqueue/submit/poll rounds");
    }

    private int sqIndex;

    /** Rounds of: a write with a PRP list, a copy, a refused op; submit; the controller completes; poll. */
    private void cycle(NvmeChannel channel, int rounds) {
        for (int i = 0; i < rounds; i++) {
            channel.enqueueCopy(SPACE_BUS, IOVA + 0x200, NS, 0, 4 * 4096, 0);
            channel.enqueueCopy(NS, 0, NS, 1 << 20, 300 * 512, 0);
            channel.enqueueCopy(SPACE_BUS, IOVA, NS, 3, 512, 0);
            channel.submit();
            for (int k = 0; k < 2; k++) {
                controller.complete(controller.cid(sqIndex), NvmeStatus.SUCCESS);
                sqIndex = (sqIndex + 1) % 9;
            }
            if (channel.poll(batch) != 3) {
                throw new AssertionError("round " + i + ": expected 3 completions");
            }
        }
    }
}
