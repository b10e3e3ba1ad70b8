package io.dmactl.provider.dsa;

import io.dmactl.core.conformance.ProviderFixture;
import io.dmactl.provider.dsa.model.DsaRegisterModel;
import io.dmactl.provider.dsa.model.DsaVfioModelFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vfio path's configuration, commands, reset and failures on the register-file model. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DsaVfioBringUpTest {

    @Test
    void openConfiguresGroupZeroAndDedicatedQueuesThenEnables() {
        try (DsaVfioModelFixture f = new DsaVfioModelFixture(Map.of(DsaVfioProvider.OPTION_CHANNELS, "3",
            DsaVfioProvider.OPTION_QUEUE_SIZE, "16"))) {
            DsaRegisterModel m = f.model();
            assertEquals(0b1111, m.groupEngines(0), "every engine in group 0");
            assertEquals(0b111, m.groupQueues(0), "our three queues in group 0");
            assertEquals(0, m.groupEngines(1));
            assertEquals(16, m.queueSize(0));
            assertEquals(16, m.queueSize(2));
            assertEquals(0, m.queueSize(3));
            assertEquals(List.of("1:0", "6:0", "6:1", "6:2"), m.commands(), "ENABLE_DEVICE, then ENABLE_WQ 0, 1, 2");
            assertEquals(1, m.deviceState());
            assertTrue(m.busMaster());
            assertEquals(3, f.engine().capabilities().channelCount());
            assertEquals(16, f.engine().capabilities().ringSize());
            assertEquals(2 << 20, f.engine().capabilities().maxTransferBytes());
            assertEquals(io.dmactl.core.spi.AddressingMode.IOVA, f.engine().capabilities().addressing());
            assertTrue(f.engine().capabilities().interrupts());
            // One copy on queue 1: its completion raises vector 2 (vector 0 is the device's own).
            var c = f.engine().channel(1);
            var src = f.allocateHost(4096);
            var dst = f.allocateHost(4096);
            c.enqueueCopy(0, src.busAddress(), 0, dst.busAddress(), 4096, io.dmactl.core.spi.DmaChannel.FLAG_SUBMIT);
            assertTrue(c.interrupt().await(5_000_000_000L), "no completion interrupt");
            assertEquals(1, m.raised(2));
            assertEquals(0, m.raised(1));
            assertEquals(0, m.raised(0));
            assertEquals(1, c.poll(new io.dmactl.core.spi.CompletionBatch(4)));
        }
    }

    @Test
    void resetDisablesResetsAndEnablesEveryQueueAndCloseDisablesTheDevice() {
        DsaVfioModelFixture f = new DsaVfioModelFixture(Map.of());
        DsaRegisterModel m = f.model();
        f.engine().reset();
        assertEquals(List.of("1:0", "6:0", "7:1", "10:1", "6:0"), m.commands());
        f.engine().close(); // the engine only: the model stays readable
        assertEquals("2:0", m.commands().getLast());
        assertEquals(0, m.deviceState());
        assertFalse(m.busMaster());
        f.close();
    }

    @Test
    void aHaltedDeviceIsAFatalConditionWithSwerrAndResetRetiresIt() {
        try (DsaVfioModelFixture f = new DsaVfioModelFixture(Map.of())) {
            assertEquals(null, f.engine().fatalCondition());
            f.model().halt(0x42);
            String reason = f.engine().fatalCondition();
            assertTrue(reason != null && reason.contains("GENSTS reads halted") && reason.contains("SWERR valid, error 0x42"), reason);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.engine().reset());
            assertTrue(e.getMessage().contains("needs RESET_DEVICE"), e.getMessage());
        }
    }

    @Test
    void aFailedCommandNamesCmdstsAndSwerrAndLeavesTheDeviceOff() {
        DsaRegisterModel m = new DsaRegisterModel("failing");
        try {
            m.failNextCommand(DsaRegisterModel.ERR_CONFIG);
            m.halt(0x42); // SWERR valid; GENSTS halted, so open resets first
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ProviderFixture(new DsaVfioProvider(c -> m),
                Optional.empty(), null, Map.of()));
            assertTrue(e.getMessage().contains("RESET_DEVICE failed, CMDSTS.ERR 0x2") && e.getMessage().contains("SWERR valid, error 0x42"),
                e.getMessage());
        } finally {
            m.shutdown();
        }
    }

    @Test
    void optionsAreCheckedBeforeTheDeviceIsTouched() {
        DsaRegisterModel m = new DsaRegisterModel("options");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ProviderFixture(
                new DsaVfioProvider(c -> m), Optional.empty(), null, Map.of(DsaVfioProvider.OPTION_CHANNELS, "9")));
            assertTrue(e.getMessage().contains("dsa.channels=9"), e.getMessage());
            assertEquals(List.of(), m.commands());
        } finally {
            m.shutdown();
        }
    }
}
