package io.dmactl.provider.cpu;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.conformance.ResetStress;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.location.DmaBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #10 defect 1 as reported: 4 client threads copying and filling on the cpu engine (ring 8)
 * while another thread resets it in a loop. See {@link ResetStress} for what is checked.
 */
class CpuResetStressTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void resetsDuringTrafficEndEveryTransferOnceAndNeverTouchMemoryAfterwards() throws Exception {
        try (DmaRuntime dma = RuntimeInternals.pageSource(DmaRuntime.builder()
            .discoverProviders(false)
            .provider(new CpuProvider()), new ArenaPageSource(4096))
            .option(CpuProvider.OPTION_RING_SIZE, "8")
            .build()) {
            ResetStress.Report report = new ResetStress(dma, "cpu", 4, 4096, TimeUnit.SECONDS.toNanos(3), 10).run();
            System.out.println("cpu: " + report);
            report.assertSound();
            assertTrue(dma.engines().getFirst().unavailable().isEmpty(), "the engine still serves: " + dma.engines());
            try (DmaBuffer buffer = dma.allocate(4096)) {
                assertTrue(dma.via("cpu").fill(buffer, 0, 4096, 7).get(5, TimeUnit.SECONDS).isSuccess(),
                    "a transfer after the last reset succeeds");
            }
        }
    }
}
