package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.conformance.ResetStress;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #10 defect 1 on the simulated device: resets at random moments during traffic, small
 * rings (8), transfers cut into chunks (max 1 KiB) so resets also land inside a partly enqueued
 * transfer; out-of-order completion. See {@link ResetStress} for what is checked.
 */
class SimResetStressTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void resetsDuringTrafficEndEveryTransferOnceAndNeverTouchMemoryAfterwards() throws Exception {
        resetStress(SimConfig.defaults().withName("sim-irq").withRingSize(8).withMaxTransferBytes(1024), 11);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void resetsDuringTrafficOnAPollingDevice() throws Exception {
        resetStress(SimConfig.defaults().withName("sim-poll").withRingSize(8).withInterrupts(false).withMaxTransferBytes(1024), 12);
    }

    private static void resetStress(SimConfig config, long seed) throws Exception {
        SimProvider sim = new SimProvider(config, new SimControl());
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build()) {
            ResetStress.Report report = new ResetStress(dma, config.name(), 4, 4096, TimeUnit.SECONDS.toNanos(2), seed).run();
            System.out.println(config.name() + ": " + report);
            report.assertSound();
            assertTrue(dma.engines().getFirst().unavailable().isEmpty(), "the engine still serves: " + dma.engines());
            assertTrue(dma.via(config.name()).fill(dma.allocate(4096), 0, 4096, 7).get(5, TimeUnit.SECONDS).isSuccess(),
                "a transfer after the last reset succeeds");
        }
    }
}
