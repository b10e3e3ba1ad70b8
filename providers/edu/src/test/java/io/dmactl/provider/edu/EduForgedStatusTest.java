package io.dmactl.provider.edu;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.dmactl.core.spi.DmaChannel.FLAG_SUBMIT;
import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static io.dmactl.provider.edu.EduRegisters.DMA_CMD_EDU_TO_RAM;
import static io.dmactl.provider.edu.EduRegisters.DMA_CMD_RAISE_IRQ;
import static io.dmactl.provider.edu.EduRegisters.DMA_CMD_START;
import static io.dmactl.provider.edu.EduRegisters.DMA_COMMAND;
import static io.dmactl.provider.edu.EduRegisters.DMA_SOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DMA_COMMAND values edu never shows for the command the driver wrote: bits it did not write, a
 * flipped direction, all ones (a device that no longer answers). None may complete the running op;
 * the op stays for the engine's reset.
 */
class EduForgedStatusTest {
    private static final int BUF = 1;
    private static final long IOVA = 0x40_0000;

    private final FakeEduRegisters device = new FakeEduRegisters();
    private final CompletionInterrupt msi = FakeEduRegisters.NO_INTERRUPT;
    private final EduChannel channel = new EduChannel(0, device.mmio(), BUF, 8, msi);
    private final CompletionBatch batch = new CompletionBatch(16);

    @AfterEach
    void close() {
        device.close();
    }

    private void startTwo() {
        channel.enqueueCopy(SPACE_BUS, IOVA, BUF, 0, 64, 0);
        channel.enqueueCopy(BUF, 0, SPACE_BUS, IOVA + 0x1000, 64, 0);
        channel.submit();
        assertEquals(DMA_CMD_START | DMA_CMD_RAISE_IRQ, device.reg64(DMA_COMMAND));
    }

    @Test
    void startClearWithBitsNobodyWroteCompletesNothing() {
        startTwo();
        device.set64(DMA_COMMAND, DMA_CMD_RAISE_IRQ | 0x40);
        assertEquals(0, channel.poll(batch), "DMA_COMMAND 0x44 is not the command written (0x5) done");
        assertEquals(IOVA, device.reg64(DMA_SOURCE), "the second op was not started over the suspect first");
        assertEquals(2, channel.outstanding());
        assertEquals(1, channel.faults().count());
        assertEquals("edu@0000:00:02.0: DMA_COMMAND reads 0x44 while the command 0x5 runs (done, it reads 0x4); "
            + "whether the DMA ran is unknown, the device needs a reset", channel.faults().fatalCondition("edu@0000:00:02.0"));

        device.set64(DMA_COMMAND, DMA_CMD_RAISE_IRQ); // now it looks done
        device.resetSentinel();
        assertEquals(0, channel.poll(batch), "a halted channel leaves the device alone until the reset");
        assertTrue(device.untouched(), "no register written after the fault");
        assertEquals(1, channel.faults().count(), "one fault, counted once");
    }

    @Test
    void theEngineResetClearsTheConditionAndTheNextOpRunsNormally() {
        startTwo();
        device.set64(DMA_COMMAND, -2L);
        assertEquals(0, channel.poll(batch));
        String fatal = channel.faults().fatalCondition("edu");
        assertNotNull(fatal);
        assertSame(fatal, channel.faults().fatalCondition("edu"), "built once, not per watchdog tick");

        device.set64(DMA_COMMAND, 0); // the reset's quiesce saw START clear
        channel.dropOutstanding();
        assertNull(channel.faults().fatalCondition("edu"));
        assertEquals(1, channel.faults().count(), "the count survives the reset");
        long ticket = channel.enqueueCopy(SPACE_BUS, IOVA + 0x2000, BUF, 0, 32, FLAG_SUBMIT);
        assertEquals(IOVA + 0x2000, device.reg64(DMA_SOURCE));
        device.finishDma();
        assertEquals(1, channel.poll(batch));
        assertEquals(ticket, batch.ticket(0));
        assertEquals(OpStatus.SUCCESS, batch.status(0));
        assertNull(channel.faults().fatalCondition("edu"), "a good completion is no fault");
    }

    @Test
    void aFlippedDirectionCompletesNothing() {
        startTwo();
        device.set64(DMA_COMMAND, DMA_CMD_EDU_TO_RAM | DMA_CMD_RAISE_IRQ);
        assertEquals(0, channel.poll(batch));
        assertEquals(2, channel.outstanding());
        assertEquals(1, channel.faults().count());
    }

    @Test
    void allOnesCompletesNothing() {
        startTwo();
        device.set64(DMA_COMMAND, -1L);
        assertEquals(0, channel.poll(batch));
        assertEquals(2, channel.outstanding());
        assertTrue(channel.faults().fatalCondition("edu").contains("reads 0xffffffffffffffff"));
    }

    @Test
    void allOnesButStartCompletesNothing() {
        startTwo();
        device.set64(DMA_COMMAND, -2L);
        assertEquals(0, channel.poll(batch));
        assertEquals(2, channel.outstanding());
        assertEquals(1, channel.faults().count());
    }

    @Test
    void aRunningDmaIsNoFault() {
        startTwo();
        assertEquals(0, channel.poll(batch), "START set: running");
        assertNull(channel.faults().fatalCondition("edu"));
        assertEquals(0, channel.faults().count());
    }
}
