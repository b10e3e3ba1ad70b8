package io.dmactl.provider.edu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.dmactl.provider.edu.EduRegisters.DMA_COMMAND;
import static io.dmactl.provider.edu.EduRegisters.INTERRUPT_ACK;
import static io.dmactl.provider.edu.EduRegisters.STATUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quiescing a device without a reset, against fake registers. */
class EduQuiesceTest {
    private static final long TIMEOUT_NANOS = 30_000_000L;
    private final FakeEduRegisters device = new FakeEduRegisters();

    @AfterEach
    void close() {
        device.close();
    }

    @Test
    void anIdleDeviceGetsItsFactorialInterruptOffAndEveryInterruptAcknowledged() {
        device.set64(DMA_COMMAND, 0x6); // finished edu-to-RAM with IRQ: START clear
        device.set32(STATUS, 0x80);     // an earlier owner asked for factorial interrupts
        EduQuiesce.quiesce(device.mmio(), TIMEOUT_NANOS);
        assertEquals(0, device.reg32(STATUS), "factorial interrupt turned off");
        assertEquals(0xffffffff, device.reg32(INTERRUPT_ACK), "every interrupt source acknowledged");
        assertEquals(0x6, device.reg64(DMA_COMMAND), "DMA_COMMAND is only read");
    }

    @Test
    void aDmaThatNeverFinishesFailsTheQuiesceNamingTheRegisterAndWritesNothing() {
        device.set64(DMA_COMMAND, 0x1);
        device.set32(STATUS, 0);
        int ackBefore = device.reg32(INTERRUPT_ACK);
        long start = System.nanoTime();
        IllegalStateException busy = assertThrows(IllegalStateException.class,
            () -> EduQuiesce.quiesce(device.mmio(), TIMEOUT_NANOS));
        assertTrue(System.nanoTime() - start >= TIMEOUT_NANOS, "gave up before the timeout");
        assertEquals("fake edu BAR0: a DMA is still running after 30 ms (DMA_COMMAND 0x1); the device cannot be quiesced",
            busy.getMessage());
        assertEquals(ackBefore, device.reg32(INTERRUPT_ACK), "nothing acknowledged while a DMA runs");
    }
}
