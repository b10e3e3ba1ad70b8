package io.dmactl.provider.cpu;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.ExecutionKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cpu engine inside a runtime: found by ServiceLoader, chosen by the cost model, closed in order. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CpuRuntimeTest {

    private static DmaRuntime.Builder arenaRuntime() {
        return RuntimeInternals.pageSource(DmaRuntime.builder(), new ArenaPageSource(4096)).poolLimitBytes(256L << 20);
    }

    @Test
    void serviceLoaderFindsTheCpuEngine() {
        try (DmaRuntime dma = arenaRuntime().build()) {
            List<EngineInfo> engines = dma.engines();
            assertEquals(1, engines.size(), "engines: " + engines + " diagnostics: " + dma.diagnostics());
            EngineInfo cpu = engines.get(0);
            assertEquals("cpu", cpu.name());
            assertEquals(ExecutionKind.SOFTWARE, cpu.capabilities().execution());
            assertEquals(AddressingMode.CPU_VIRTUAL, cpu.capabilities().addressing());
            assertEquals(2, cpu.capabilities().channelCount());
        }
    }

    @Test
    void optionsShapeTheEngineAndBadOptionsAreReported() {
        try (DmaRuntime dma = arenaRuntime().option(CpuProvider.OPTION_CHANNELS, "3").option(CpuProvider.OPTION_RING_SIZE, "128").build()) {
            assertEquals(3, dma.engines().get(0).capabilities().channelCount());
            assertEquals(128, dma.engines().get(0).capabilities().ringSize());
        }
        try (DmaRuntime dma = arenaRuntime().option(CpuProvider.OPTION_RING_SIZE, "100").build()) {
            assertTrue(dma.engines().isEmpty());
            assertTrue(dma.diagnostics().toString().contains("cpu.ringSize=100 must be a power of two"), dma.diagnostics().toString());
        }
    }

    @Test
    void copiesAndFillsEveryDirectionTheCpuReaches() {
        try (Arena arena = Arena.ofShared();
             DmaRuntime dma = arenaRuntime().build();
             DmaBuffer src = dma.allocate(3 << 20);
             DmaBuffer dst = dma.allocate(3 << 20)) {
            byte[] data = randomBytes(3 << 20, 11);
            write(src, 0, data);
            TransferResult r = dma.copy(src, 1, dst, 3, (3 << 20) - 3).join();
            assertEquals(TransferStatus.SUCCESS, r.status());
            assertEquals("cpu", r.engine());
            byte[] expected = new byte[3 << 20];
            System.arraycopy(data, 1, expected, 3, (3 << 20) - 3);
            assertArrayEquals(expected, read(dst, 0, 3 << 20));

            DeviceWindow bar = dma.attachWindow("bar", arena.allocate(65536, 4096));
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, bar, 100, 5000).join().status());
            assertEquals(TransferStatus.SUCCESS, dma.copy(bar, 100, bar, 20000, 5000).join().status(), "window to window");
            assertEquals(TransferStatus.SUCCESS, dma.copy(bar, 20000, dst, 0, 5000).join().status());
            assertArrayEquals(read(src, 0, 5000), read(dst, 0, 5000));

            assertEquals(TransferStatus.SUCCESS, dma.fill(dst, 5, 1003, 0xa1b2c3d4e5f60718L).join().status());
            byte[] filled = read(dst, 5, 1003);
            for (int i = 0; i < filled.length; i++) {
                assertEquals((byte) (0xa1b2c3d4e5f60718L >>> (8 * (i & 7))), filled[i], "fill byte " + i);
            }
            bar.close();
        }
    }

    @Test
    void theCostModelSendsSmallCopiesToTheCpuAndLargeOnesToTheDevice() {
        SimProvider sim = new SimProvider(SimConfig.defaults(), new SimControl());
        try (DmaRuntime dma = RuntimeInternals.emulatedIommu(arenaRuntime().provider(sim), new FakeIommuDomain("iommu")).cpuThresholdBytes(8192).build();
             DmaBuffer src = dma.allocate(65536);
             DmaBuffer dst = dma.allocate(65536)) {
            assertEquals("cpu", dma.copy(src, 0, dst, 0, 8191).join().engine());
            assertEquals("sim", dma.copy(src, 0, dst, 0, 8192).join().engine());
            assertEquals("sim", dma.copy(src, 0, dma.privateSpace("sim", "sram"), 0, 64).join().engine(),
                "only the device reaches its own memory, however small");
            assertEquals("cpu", dma.via("cpu").copy(src, 0, dst, 0, 65536).join().engine());
            NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class,
                () -> dma.via("cpu").copy(src, 0, dma.privateSpace("sim", "sram"), 0, 64));
            assertTrue(e.getMessage().contains("cpu: cannot reach destination sim sram: it is private to engine sim"), e.getMessage());
        }
    }

    @Test
    void resetAndCloseWithManyTransfersInFlightLeaveNothingBehind() {
        DmaRuntime dma = arenaRuntime().closeGrace(Duration.ZERO).build();
        DmaBuffer src = dma.allocate(8 << 20);
        DmaBuffer dst = dma.allocate(8 << 20);
        List<CompletableFuture<TransferResult>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(dma.copy(src, 0, dst, 0, 8 << 20));
        }
        dma.resetEngine("cpu");
        for (int i = 0; i < 200; i++) {
            futures.add(dma.copy(src, 0, dst, 0, 8 << 20));
        }
        dma.close();
        int success = 0;
        int aborted = 0;
        for (CompletableFuture<TransferResult> f : futures) {
            TransferStatus s = f.join().status();
            assertTrue(s == TransferStatus.SUCCESS || s == TransferStatus.ABORTED, "unexpected " + s);
            success += s == TransferStatus.SUCCESS ? 1 : 0;
            aborted += s == TransferStatus.ABORTED ? 1 : 0;
        }
        assertEquals(400, success + aborted);
        assertTrue(aborted > 0, "a reset and a zero-grace close with 400 x 8 MiB queued must abort some");
    }
}
