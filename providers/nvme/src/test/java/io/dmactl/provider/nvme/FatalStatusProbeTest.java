package io.dmactl.provider.nvme;

import io.dmactl.vfio.pci.MmioRegisters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's fatal-condition hook reads CSTS.CFS from the register block (plain memory here). */
class FatalStatusProbeTest {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** CAP: MQES 2047, CSS NVM, MPSMIN 4 KiB. */
    private static final long CAP = 0x7ffL | 1L << 37;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment bar = arena.allocate(0x2000, 4096);

    @AfterEach
    void close() {
        arena.close();
    }

    private FatalStatusProbe probe(CompletionFaults... queuePairs) {
        bar.set(ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN), NvmeRegisters.CAP, CAP);
        MmioRegisters registers = new MmioRegisters(bar, "fake nvme BAR0", NvmeEngine.REGISTER_POLL_PAUSE_NANOS);
        NvmeController controller = new NvmeController(registers, arena.allocate(3 * 4096, 4096), 0x1_0000, 50_000_000L);
        return new FatalStatusProbe(controller, "nvme@0000:00:04.0", queuePairs);
    }

    @Test
    void aReadyControllerIsHealthyAndCfsIsReportedWithTheEngineName() {
        FatalStatusProbe probe = probe();
        bar.set(U32, NvmeRegisters.CSTS, NvmeRegisters.CSTS_RDY);
        assertNull(probe.poll(), "CSTS.RDY alone is healthy");

        bar.set(U32, NvmeRegisters.CSTS, NvmeRegisters.CSTS_RDY | NvmeRegisters.CSTS_CFS);
        String fatal = probe.poll();
        assertTrue(fatal != null && fatal.contains("nvme@0000:00:04.0") && fatal.contains("CSTS.CFS"), fatal);
        assertSame(fatal, probe.poll(), "the message is prepared once, not built per poll");

        bar.set(U32, NvmeRegisters.CSTS, NvmeRegisters.CSTS_RDY);
        assertNull(probe.poll(), "the bit is read fresh on every poll");
    }

    @Test
    void aDroppedCompletionEntryOnAnyQueuePairIsFatalUntilThatPairRestarts() {
        CompletionFaults first = new CompletionFaults("I/O queue pair 1");
        CompletionFaults second = new CompletionFaults("I/O queue pair 2");
        FatalStatusProbe probe = probe(first, second);
        bar.set(U32, NvmeRegisters.CSTS, NvmeRegisters.CSTS_RDY);
        assertNull(probe.poll());

        second.dropped(CompletionFaults.CID_NOT_OUTSTANDING, 0x1234, 3, 2, 1);
        String fatal = probe.poll();
        assertTrue(fatal != null && fatal.contains("nvme@0000:00:04.0 I/O queue pair 2") && fatal.contains("CID 0x1234"), fatal);
        assertSame(fatal, probe.poll(), "the message is built once per fault, not per poll");

        second.restart();
        assertNull(probe.poll(), "the engine reset restarted the pair: healthy again");
        assertTrue(second.droppedCount() == 1, "the count survives the reset");
    }

    @Test
    void afterStopTheRegistersAreNotReadAnyMore() {
        FatalStatusProbe probe = probe();
        bar.set(U32, NvmeRegisters.CSTS, NvmeRegisters.CSTS_CFS);
        probe.stop();
        assertNull(probe.poll(), "a closed engine reports nothing (its BAR may be unmapped)");
    }
}
