package io.dmactl.provider.cpu;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.conformance.TransferStress;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client threads × random transfers over the cpu engine and a simulated device together, every byte checked. */
class CpuRuntimeStressTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void cpuAndDeviceTogetherMoveEveryByteExactlyOnce() throws InterruptedException {
        SimProvider sim = new SimProvider(SimConfig.defaults().withRingSize(32), new SimControl());
        try (Arena arena = Arena.ofShared();
             DmaRuntime dma = RuntimeInternals.emulatedIommu(RuntimeInternals.pageSource(DmaRuntime.builder(),
                     new ArenaPageSource(4096)), new FakeIommuDomain("iommu"))
                 .provider(sim)
                 .option(CpuProvider.OPTION_RING_SIZE, "64")
                 .build()) {
            assertEquals(2, dma.engines().size(), "diagnostics: " + dma.diagnostics());
            DeviceWindow window = dma.attachWindow("peer BAR", arena.allocate(1 << 20, 4096));
            TransferStress.Report report = new TransferStress(dma, List.of(dma.privateSpace("sim", "sram")), window,
                4, 4, 300, 7).run();
            assertTrue(report.failures().isEmpty(), "failures: " + report.failures());
            assertEquals(report.transfers(), report.completions(), "every transfer completed once: " + report);
            assertTrue(report.transfers() >= 4800, "transfers: " + report.transfers());
            assertTrue(report.byEngine().getOrDefault("cpu", 0L) > 0 && report.byEngine().getOrDefault("sim", 0L) > 0,
                "both engines served: " + report);
            window.close();
        }
    }
}
