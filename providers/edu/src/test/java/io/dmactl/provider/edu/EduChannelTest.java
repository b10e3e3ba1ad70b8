package io.dmactl.provider.edu;

import io.dmactl.core.conformance.ThreadAllocation;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.dmactl.core.spi.DmaChannel.FLAG_SUBMIT;
import static io.dmactl.core.spi.DmaChannel.NO_SPACE;
import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static io.dmactl.provider.edu.EduRegisters.DMA_CMD_EDU_TO_RAM;
import static io.dmactl.provider.edu.EduRegisters.DMA_CMD_RAISE_IRQ;
import static io.dmactl.provider.edu.EduRegisters.DMA_CMD_START;
import static io.dmactl.provider.edu.EduRegisters.DMA_COMMAND;
import static io.dmactl.provider.edu.EduRegisters.DMA_COUNT;
import static io.dmactl.provider.edu.EduRegisters.DMA_DESTINATION;
import static io.dmactl.provider.edu.EduRegisters.DMA_SOURCE;
import static io.dmactl.provider.edu.EduRegisters.INTERRUPT_ACK;
import static io.dmactl.provider.edu.EduRegisters.IRQ_DMA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The software ring in front of edu's one-at-a-time register engine, against fake registers. */
class EduChannelTest {
    private static final int BUF = 1;
    private static final long IOVA = 0x40_0000;
    private static final int SENTINEL32 = 0xa5a5a5a5;

    private final FakeEduRegisters device = new FakeEduRegisters();
    private final CompletionInterrupt msi = FakeEduRegisters.NO_INTERRUPT;
    private final CompletionBatch batch = new CompletionBatch(16);

    @AfterEach
    void close() {
        device.close();
    }

    private EduChannel msiChannel(int ringSize) {
        return new EduChannel(0, device.mmio(), BUF, ringSize, msi);
    }

    private void assertProgrammed(long source, long destination, long count, long command) {
        assertEquals(source, device.reg64(DMA_SOURCE), "DMA_SOURCE");
        assertEquals(destination, device.reg64(DMA_DESTINATION), "DMA_DESTINATION");
        assertEquals(count, device.reg64(DMA_COUNT), "DMA_COUNT");
        assertEquals(command, device.reg64(DMA_COMMAND), "DMA_COMMAND");
    }

    private void assertCompletion(int index, long ticket, int status, int deviceCode) {
        assertEquals(ticket, batch.ticket(index), "ticket of completion " + index);
        assertEquals(OpStatus.name(status), OpStatus.name(batch.status(index)), "status of ticket " + ticket);
        assertEquals(deviceCode, batch.deviceCode(index), "device code of ticket " + ticket);
    }

    @Test
    void refusedOpsCompleteInvalidWithTheirReasonAndNoRegisterIsWritten() {
        EduChannel channel = msiChannel(16);
        assertEquals(0, channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 0, 0, 0));
        assertEquals(1, channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 0, 4096, 0));
        assertEquals(2, channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 4095, 1, 0));
        assertEquals(3, channel.enqueueCopy(BUF, 100, SPACE_BUS, 1L << 28, 64, 0));
        assertEquals(4, channel.enqueueCopy(SPACE_BUS, IOVA, SPACE_BUS, IOVA + 4096, 64, 0));
        assertEquals(5, channel.enqueueCopy(BUF, 0, 7, 0, 64, 0));
        assertEquals(6, channel.enqueueFill(0x1122334455667788L, BUF, 0, 64, 0));
        channel.submit();
        assertEquals(7, channel.poll(batch));
        assertCompletion(0, 0, OpStatus.INVALID, EduOpCheck.NOT_POSITIVE_LENGTH);
        assertCompletion(1, 1, OpStatus.INVALID, EduOpCheck.LONGER_THAN_BUFFER);
        assertCompletion(2, 2, OpStatus.INVALID, EduOpCheck.OUTSIDE_BUFFER);
        assertCompletion(3, 3, OpStatus.INVALID, EduOpCheck.BEYOND_DMA_MASK);
        assertCompletion(4, 4, OpStatus.INVALID, EduOpCheck.NOT_BUFFER_AND_BUS);
        assertCompletion(5, 5, OpStatus.INVALID, EduOpCheck.NOT_BUFFER_AND_BUS);
        assertCompletion(6, 6, OpStatus.INVALID, EduOpCheck.UNSUPPORTED_OP);
        assertTrue(device.untouched(), "a refused op wrote a register");
        assertEquals(0, channel.poll(batch), "each ticket is reported once");
        assertTrue(device.untouched(), "poll with nothing running read... and wrote nothing");
    }

    @Test
    void nothingReachesTheDeviceBeforeSubmitThenTheFirstOpIsProgrammed() {
        EduChannel channel = msiChannel(16);
        channel.enqueueCopy(SPACE_BUS, IOVA + 0x10, BUF, 100, 3000, 0);
        channel.enqueueCopy(BUF, 100, SPACE_BUS, IOVA + 0x2000, 3000, 0);
        assertEquals(0, channel.poll(batch));
        assertTrue(device.untouched(), "an enqueue without submit touched the device");
        channel.submit();
        assertProgrammed(IOVA + 0x10, 0x40000 + 100, 3000, DMA_CMD_START | DMA_CMD_RAISE_IRQ);
        assertEquals(SENTINEL32, device.reg32(INTERRUPT_ACK), "nothing to acknowledge yet");
    }

    @Test
    void opsRunOneAtATimeInTicketOrderAndEachCompletionIsAcknowledged() {
        EduChannel channel = msiChannel(16);
        channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 0, 4095, 0);
        channel.enqueueCopy(BUF, 10, SPACE_BUS, IOVA + 0x1000, 20, DmaChannel.FLAG_FENCE);
        channel.enqueueCopy(SPACE_BUS, IOVA + 0x3000, BUF, 4094, 1, 0);
        channel.submit();
        assertProgrammed(IOVA, 0x40000, 4095, DMA_CMD_START | DMA_CMD_RAISE_IRQ);

        assertEquals(0, channel.poll(batch), "START still set: the DMA is running");
        assertEquals(SENTINEL32, device.reg32(INTERRUPT_ACK));

        device.finishDma();
        assertEquals(1, channel.poll(batch));
        assertCompletion(0, 0, OpStatus.SUCCESS, 0);
        assertEquals(IRQ_DMA, device.reg32(INTERRUPT_ACK), "the DMA interrupt is acknowledged");
        assertProgrammed(0x40000 + 10, IOVA + 0x1000, 20, DMA_CMD_START | DMA_CMD_EDU_TO_RAM | DMA_CMD_RAISE_IRQ);

        device.finishDma();
        assertEquals(1, channel.poll(batch));
        assertCompletion(0, 1, OpStatus.SUCCESS, 0);
        assertProgrammed(IOVA + 0x3000, 0x40000 + 4094, 1, DMA_CMD_START | DMA_CMD_RAISE_IRQ);

        device.finishDma();
        assertEquals(1, channel.poll(batch));
        assertCompletion(0, 2, OpStatus.SUCCESS, 0);
        assertEquals(DMA_CMD_RAISE_IRQ, device.reg64(DMA_COMMAND), "nothing new was started");
        assertEquals(0, channel.outstanding());
    }

    @Test
    void pollingModeAsksForNoInterruptAndAcknowledgesNone() {
        EduChannel channel = new EduChannel(0, device.mmio(), BUF, 8, null);
        assertNull(channel.interrupt());
        channel.enqueueCopy(BUF, 0, SPACE_BUS, IOVA, 512, FLAG_SUBMIT);
        assertProgrammed(0x40000, IOVA, 512, DMA_CMD_START | DMA_CMD_EDU_TO_RAM);
        device.finishDma();
        assertEquals(1, channel.poll(batch));
        assertCompletion(0, 0, OpStatus.SUCCESS, 0);
        assertEquals(SENTINEL32, device.reg32(INTERRUPT_ACK), "polling mode must not write INTERRUPT_ACK");
        assertSame(msi, msiChannel(8).interrupt());
    }

    @Test
    void aRefusedOpBetweenTwoGoodOnesKeepsTicketOrderAndNeverReachesTheDevice() {
        EduChannel channel = msiChannel(8);
        channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 0, 100, 0);
        channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 4000, 100, 0); // past the usable buffer
        channel.enqueueCopy(BUF, 0, SPACE_BUS, IOVA + 0x800, 100, 0);
        channel.submit();
        assertEquals(0, channel.poll(batch), "ticket 1 must not overtake the running ticket 0");
        device.finishDma();
        assertEquals(2, channel.poll(batch));
        assertCompletion(0, 0, OpStatus.SUCCESS, 0);
        assertCompletion(1, 1, OpStatus.INVALID, EduOpCheck.OUTSIDE_BUFFER);
        assertProgrammed(0x40000, IOVA + 0x800, 100, DMA_CMD_START | DMA_CMD_EDU_TO_RAM | DMA_CMD_RAISE_IRQ);
        device.finishDma();
        assertEquals(1, channel.poll(batch));
        assertCompletion(0, 2, OpStatus.SUCCESS, 0);
    }

    @Test
    void aFullRingSaysNoSpaceAndChangesNothingThenTicketsWrapAround() {
        EduChannel channel = msiChannel(4);
        for (int i = 0; i < 4; i++) {
            assertEquals(i, channel.enqueueCopy(SPACE_BUS, IOVA + i * 0x1000L, BUF, i, 10, 0));
        }
        assertEquals(NO_SPACE, channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 0, 10, 0));
        assertEquals(NO_SPACE, channel.enqueueFill(0, BUF, 0, 8, FLAG_SUBMIT));
        assertTrue(device.untouched(), "a NO_SPACE enqueue with FLAG_SUBMIT must change nothing");
        channel.submit();
        // Ticket t reads from IOVA + (t % 4) pages: the programmed source says which ticket runs.
        for (long expected = 0; expected < 10; expected++) {
            assertEquals(IOVA + (expected % 4) * 0x1000L, device.reg64(DMA_SOURCE), "ticket " + expected + " runs next");
            device.finishDma();
            assertEquals(1, channel.poll(batch));
            assertCompletion(0, expected, OpStatus.SUCCESS, 0);
            long next = expected + 4;
            assertEquals(next, channel.enqueueCopy(SPACE_BUS, IOVA + (next % 4) * 0x1000L, BUF, next % 4, 10, FLAG_SUBMIT),
                "tickets are consecutive across the wrap");
        }
        assertEquals(4, channel.outstanding());
    }

    @Test
    void pollReportsNoMoreThanTheBatchHoldsAndTheRestLater() {
        EduChannel channel = msiChannel(8);
        for (int i = 0; i < 5; i++) {
            channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 0, 0, 0);
        }
        channel.submit();
        CompletionBatch small = new CompletionBatch(2);
        assertEquals(2, channel.poll(small));
        assertEquals(0, small.ticket(0));
        assertEquals(1, small.ticket(1));
        assertEquals(2, channel.poll(small));
        assertEquals(2, small.ticket(0));
        assertEquals(1, channel.poll(small));
        assertEquals(4, small.ticket(0));
        assertEquals(0, channel.poll(small));
    }

    @Test
    void intxModeAcknowledgesEachCompletionBeforeItUnmasksTheLine() {
        // The unmask records what INTERRUPT_ACK held at that moment: the ack must already be written.
        int[] ackSeenByUnmask = new int[4];
        int[] unmasks = new int[1];
        Runnable unmask = () -> ackSeenByUnmask[unmasks[0]++] = device.reg32(INTERRUPT_ACK);
        EduChannel channel = new EduChannel(0, device.mmio(), BUF, 8, msi, unmask);
        assertSame(msi, channel.interrupt());
        channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 0, 100, 0);
        channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 4000, 100, 0); // refused: raises no interrupt
        channel.enqueueCopy(BUF, 0, SPACE_BUS, IOVA + 0x800, 100, 0);
        channel.submit();
        assertProgrammed(IOVA, 0x40000, 100, DMA_CMD_START | DMA_CMD_RAISE_IRQ);
        assertEquals(0, channel.poll(batch));
        assertEquals(0, unmasks[0], "nothing finished, nothing to unmask");

        device.finishDma();
        assertEquals(2, channel.poll(batch));
        assertEquals(1, unmasks[0], "one interrupt, one unmask; the refused op raised none");
        assertEquals(IRQ_DMA, ackSeenByUnmask[0], "INTERRUPT_ACK was written before the unmask");
        assertProgrammed(0x40000, IOVA + 0x800, 100, DMA_CMD_START | DMA_CMD_EDU_TO_RAM | DMA_CMD_RAISE_IRQ);

        device.set32(INTERRUPT_ACK, SENTINEL32);
        device.finishDma();
        assertEquals(1, channel.poll(batch));
        assertCompletion(0, 2, OpStatus.SUCCESS, 0);
        assertEquals(2, unmasks[0]);
        assertEquals(IRQ_DMA, ackSeenByUnmask[1], "the second unmask also came after its ack");
        assertEquals(0, channel.poll(batch));
        assertEquals(2, unmasks[0], "a poll without a completion unmasks nothing");
    }

    @Test
    void anUnmaskWithoutAnInterruptIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new EduChannel(0, device.mmio(), BUF, 8, null, () -> { }));
        assertTrue(e.getMessage().contains("polling mode"), e.getMessage());
    }

    @Test
    void theIntxFastPathAllocatesNothing() {
        long[] unmasks = new long[1];
        EduChannel channel = new EduChannel(0, device.mmio(), BUF, 64, msi, () -> unmasks[0]++);
        long allocated = ThreadAllocation.bytesAllocatedBy(() -> cycle(channel, 20_000));
        assertEquals(0, allocated, "bytes allocated by 20000 enqueue/submit/poll rounds in INTx mode");
        // The work runs several times (warm-up, then measured runs): a whole number of rounds each time.
        assertTrue(unmasks[0] >= 20_000 && unmasks[0] % 20_000 == 0, "one unmask per completed DMA: " + unmasks[0]);
    }

    /** enqueue, submit and poll allocate nothing (the thread's allocation counter stays put). */
    @Test
    void theFastPathAllocatesNothing() {
        EduChannel channel = msiChannel(64);
        long allocated = ThreadAllocation.bytesAllocatedBy(() -> cycle(channel, 20_000));
        assertEquals(0, allocated, "bytes allocated by 20000 enqueue/submit/poll rounds");
    }

    /** Rounds of: one good and one refused op, submit, the device finishes, poll. */
    private void cycle(EduChannel channel, int rounds) {
        for (int i = 0; i < rounds; i++) {
            channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 0, 64, 0);
            channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 4095, 64, 0);
            channel.submit();
            device.set64(DMA_COMMAND, device.reg64(DMA_COMMAND) & ~DMA_CMD_START); // the device finishes
            if (channel.poll(batch) != 2) {
                throw new AssertionError("round " + i + ": expected 2 completions");
            }
        }
    }

    @Test
    void droppedOpsAreNeverReportedAndTicketsContinue() {
        EduChannel channel = msiChannel(8);
        channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 0, 64, 0);
        channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 64, 64, 0);
        channel.submit();
        device.finishDma(); // the engine's quiesce waited for the running DMA
        channel.dropOutstanding();
        assertEquals(0, channel.poll(batch), "dropped tickets must not be reported");
        assertEquals(0, channel.outstanding());
        device.resetSentinel();
        device.set64(DMA_COMMAND, 0);
        assertEquals(2, channel.enqueueCopy(BUF, 0, SPACE_BUS, IOVA, 32, FLAG_SUBMIT));
        assertProgrammed(0x40000, IOVA, 32, DMA_CMD_START | DMA_CMD_EDU_TO_RAM | DMA_CMD_RAISE_IRQ);
        device.finishDma();
        assertEquals(1, channel.poll(batch));
        assertCompletion(0, 2, OpStatus.SUCCESS, 0);
    }
}
