package io.dmactl.testbed.edu;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.provider.edu.EduProvider;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.concurrent.TimeUnit;

import static io.dmactl.testbed.edu.EduTestbed.DMA_WAIT_SECONDS;
import static io.dmactl.testbed.edu.EduTestbed.IVSHMEM_BAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests that would make QEMU's edu stop the VM, or that edu cannot serve, are refused with a
 * message naming the bad value, and no edu DMA register is written: after the runtime closed, the
 * registers (read through sysfs) still hold the one good transfer made before the bad requests.
 */
@Tag("testbed")
class EduBadInputTest {

    @Test
    void outOfRangeOffsetsLengthsAndUnreachableLocationsAreRefusedWithoutARegisterWrite() throws Exception {
        EduRegisterView.Snapshot good;
        try (DmaRuntime runtime = DmaRuntime.builder().onlyProviders(EduProvider.NAME, "cpu")
                 .deviceWindow(TestbedEnvironment.ivshmemPci(), IVSHMEM_BAR).build();
             DmaBuffer host = runtime.allocate(2 * 4096);
             DmaBuffer other = runtime.allocate(2 * 4096)) {
            DevicePrivateSpace edu = runtime.privateSpace(EduTestbed.eduEngine(), EduProvider.BUFFER_SPACE);
            DeviceWindow ivshmem = runtime.window(TestbedEnvironment.ivshmemPci(), IVSHMEM_BAR);

            TransferResult result = runtime.copy(host, 3, edu, 321, 1234).get(DMA_WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(TransferStatus.SUCCESS, result.status(), result.toString());
            long hostIova = RuntimeInternals.iovaOf(runtime, host, EduTestbed.eduEngine()).orElseThrow();
            // RAM to edu, done (START clear), MSI requested (0x4); the interrupt acknowledged.
            good = new EduRegisterView.Snapshot(hostIova + 3, 0x40000 + 321, 1234, 0x4, 0);

            refused("destination range [4000, 4096) of 96 bytes does not fit", () -> runtime.copy(host, 0, edu, 4000, 96));
            refused("destination range [0, 4096) of 4096 bytes does not fit", () -> runtime.copy(host, 0, edu, 0, 4096));
            refused("source range [4095, 4096) of 1 bytes does not fit", () -> runtime.copy(edu, 4095, host, 0, 1));
            refused("source offset -1 is negative", () -> runtime.copy(edu, -1, host, 0, 16));
            refused("lengthBytes 0 must be positive", () -> runtime.copy(host, 0, edu, 0, 0));
            refused("destination range [8000, 9000) of 1000 bytes does not fit", () -> runtime.copy(edu, 0, host, 8000, 1000));

            // What edu cannot serve: host to host, and a fill (edu only copies).
            NoEngineAvailableException memToMem = assertThrows(NoEngineAvailableException.class,
                () -> runtime.via(EduProvider.NAME).copy(host, 0, other, 0, 4096));
            assertTrue(memToMem.getMessage().contains(EduTestbed.eduEngine() + ": does not support direction MEM_TO_MEM"),
                memToMem.getMessage());
            NoEngineAvailableException fill = assertThrows(NoEngineAvailableException.class,
                () -> runtime.fill(edu, 0, 64, 0x0101010101010101L));
            assertTrue(fill.getMessage().contains("does not support FILL"), fill.getMessage());

            // Host memory to ivshmem: edu reaches both kinds, but every edu DMA needs its own buffer at
            // one end (requiresOwnPrivateEnd), so the dispatcher refuses it before the engine sees it.
            NoEngineAvailableException bypass = assertThrows(NoEngineAvailableException.class,
                () -> runtime.via(EduProvider.NAME).copy(host, 0, ivshmem, 0, 4096));
            assertTrue(bypass.getMessage().contains(EduTestbed.eduEngine()
                + ": moves data only in and out of its own device memory"), bypass.getMessage());

            // Buffer to buffer: both ends are edu's, but a DMA needs bus memory at the other end.
            NoEngineAvailableException inside = assertThrows(NoEngineAvailableException.class,
                () -> runtime.copy(edu, 0, edu, 2048, 1024));
            assertTrue(inside.getMessage().contains(EduTestbed.eduEngine()
                + ": cannot copy from " + edu.describe() + " to " + edu.describe()), inside.getMessage());
        }
        try (EduRegisterView registers = EduRegisterView.ofSysfs(TestbedEnvironment.eduPci())) {
            assertEquals(good, registers.snapshot(), "an edu DMA register was written after the last good transfer");
        }
    }

    private static void refused(String expected, Executable request) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, request);
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage());
    }
}
