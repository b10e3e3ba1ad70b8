package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.conformance.TransferStress;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several client threads, thousands of random transfers over two simulated devices (one polling, one with interrupts). */
class SimRuntimeStressTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyByteArrivesAndEveryCompletionIsReportedOnce() throws InterruptedException {
        SimProvider irq = new SimProvider(SimConfig.defaults().withName("sim-irq").withRingSize(32).withMaxTransferBytes(16 * 1024), new SimControl());
        SimProvider polled = new SimProvider(SimConfig.defaults().withName("sim-poll").withInterrupts(false).withChannels(1), new SimControl());
        try (Arena arena = Arena.ofShared();
             DmaRuntime dma = builder(new FakeIommuDomain("iommu"), irq, polled).build()) {
            assertEquals(2, dma.engines().size(), "engines: " + dma.engines() + " diagnostics: " + dma.diagnostics());
            DeviceWindow window = dma.attachWindow("peer BAR", arena.allocate(1 << 20, 4096));
            TransferStress stress = new TransferStress(dma,
                List.of(dma.privateSpace("sim-irq", "sram"), dma.privateSpace("sim-poll", "sram")), window,
                4, 4, 300, 42);
            TransferStress.Report report = stress.run();
            assertTrue(report.failures().isEmpty(), "failures: " + report.failures());
            assertEquals(report.transfers(), report.completions(), "every transfer completed once: " + report);
            assertTrue(report.transfers() >= 4800, "transfers: " + report.transfers());
            assertTrue(report.byEngine().keySet().containsAll(List.of("sim-irq", "sim-poll")), "both engines served: " + report);
            window.close();
        }
    }
}
