package io.dmactl.provider.nvme;

import io.dmactl.vfio.pci.MmioRegisters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control path against a register block that does not behave: a controller stuck ready, one
 * in fatal status, one that never completes an admin command. Each ends in a clear exception
 * within its timeout, never a hang.
 */
class NvmeControllerTest {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long TIMEOUT_NANOS = 50_000_000L;
    /** CAP: MQES 2047, TO 0 (so only the configured margin counts), DSTRD 0, CSS NVM, MPSMIN 4 KiB. */
    private static final long CAP = 0x7ffL | 1L << 37;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment bar = arena.allocate(0x2000, 4096);
    private final MemorySegment admin = arena.allocate(3 * 4096, 4096);
    private final MmioRegisters mmio = new MmioRegisters(bar, "fake nvme BAR0", NvmeEngine.REGISTER_POLL_PAUSE_NANOS);

    @AfterEach
    void close() {
        arena.close();
    }

    private NvmeController controller(long cap) {
        bar.set(ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN), NvmeRegisters.CAP, cap);
        return new NvmeController(mmio, admin, 0x1_0000, TIMEOUT_NANOS);
    }

    @Test
    void aControllerThatStaysReadyAfterDisableIsReportedWithItsStatus() {
        NvmeController controller = controller(CAP);
        bar.set(U32, NvmeRegisters.CC, NvmeRegisters.CC_EN);
        bar.set(U32, NvmeRegisters.CSTS, NvmeRegisters.CSTS_RDY);
        IllegalStateException e = assertThrows(IllegalStateException.class, controller::disable);
        assertTrue(e.getMessage().contains("CSTS.RDY stayed 1") && e.getMessage().contains("CSTS 0x1"), e.getMessage());
        assertEquals(0, bar.get(U32, NvmeRegisters.CC) & NvmeRegisters.CC_EN, "CC.EN was cleared");
    }

    @Test
    void enableProgramsTheAdminQueuesAndFailsFastOnFatalStatus() {
        NvmeController controller = controller(CAP);
        bar.set(U32, NvmeRegisters.CSTS, NvmeRegisters.CSTS_CFS);
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, controller::enable);
        assertTrue(e.getMessage().contains("CSTS.CFS"), e.getMessage());
        assertEquals(15 << 16 | 15, bar.get(U32, NvmeRegisters.AQA), "16-entry admin queues, 0's based");
        assertEquals(0x1_0000L, mmio.read64AsHalves(NvmeRegisters.ASQ));
        assertEquals(0x1_1000L, mmio.read64AsHalves(NvmeRegisters.ACQ));
        int cc = bar.get(U32, NvmeRegisters.CC);
        assertEquals(NvmeRegisters.CC_EN | NvmeRegisters.CC_IOSQES_64 | NvmeRegisters.CC_IOCQES_16, cc, "CC 0x" + Integer.toHexString(cc));
        assertTrue(System.nanoTime() - start < TIMEOUT_NANOS, "CFS must not wait for the ready timeout");
    }

    @Test
    void anAdminCommandWithoutCompletionTimesOutNamingTheCommand() {
        NvmeController controller = controller(CAP);
        IllegalStateException e = assertThrows(IllegalStateException.class, controller::identifyController);
        assertTrue(e.getMessage().contains("Identify Controller did not complete"), e.getMessage());
        assertEquals(1, bar.get(U32, NvmeRegisters.sqTailDoorbell(0, 0)), "the admin SQ tail doorbell was rung once");
        assertEquals(SubmissionEntry.ADMIN_IDENTIFY, admin.get(ValueLayout.JAVA_BYTE, 0), "the SQE opcode");
        assertEquals(1, admin.get(U32, SubmissionEntry.CDW10), "CNS 01h: controller");
        assertEquals(0x1_2000L, admin.get(ValueLayout.JAVA_LONG_UNALIGNED, SubmissionEntry.PRP1), "data into the identify page");
    }

    @Test
    void aControllerWithoutTheNvmCommandSetOrWith4KibPagesExcludedIsRefused() {
        IllegalStateException noNvm = assertThrows(IllegalStateException.class, () -> controller(CAP & ~(1L << 37)));
        assertTrue(noNvm.getMessage().contains("no NVM command set"), noNvm.getMessage());
        IllegalStateException pages = assertThrows(IllegalStateException.class, () -> controller(CAP | 1L << 48));
        assertTrue(pages.getMessage().contains("MPSMIN 1"), pages.getMessage());
    }
}
