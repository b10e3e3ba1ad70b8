package io.dmactl.cli.bench;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.ForwardingChannel;
import io.dmactl.core.sim.ForwardingEngine;
import io.dmactl.core.sim.ForwardingProvider;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import io.dmactl.core.sim.SimRuntimes;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.EngineContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The raw path on an engine like edu: the core's simulated device behind a (fake) IOMMU, copying
 * only between host memory and its own 4095-byte private memory, with a ring of 4. Addresses are
 * IOVAs the core resolved, the depth is clamped to the ring, and the bytes are read back from the
 * private memory through the engine to be checked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawBenchOnDeviceTest {

    private static final SimConfig EDU_LIKE = SimConfig.defaults().withName("sim").withMemToMem(false)
            .withPrivateSpaceBytes(4095).withMaxTransferBytes(4095).withRingSize(4).withChannels(1);

    @Test
    void measuresHostToPrivateMemoryAndReadsTheBytesBack() {
        SimControl control = new SimControl();
        try (DmaRuntime runtime = SimRuntimes.builder(new FakeIommuDomain("iommu"), new SimProvider(EDU_LIKE, control))
                .exclusiveChannels(true).build()) {
            List<String> status = new ArrayList<>();
            BenchRun.Results results = BenchRun.run(runtime, runtime.engines(), BenchPath.RAW, List.of(64L, 4096L), 2, 16,
                    20_000_000L, Optional.empty(), status::add);
            assertEquals(2, results.points().size(), results::toString);
            for (BenchPoint point : results.points()) {
                assertEquals("host->dev", point.direction());
                assertTrue(point.ops() > 0 && point.failedOps() == 0, point::toString);
                assertEquals(Optional.empty(), point.firstFailure(), point::toString);
                assertTrue(point.submitNanosPerOp().isPresent(), point::toString);
            }
            assertEquals(4095, results.points().get(1).sizeBytes());
            assertTrue(results.notes().contains("sim: depth 16, batch 2 clamped to depth 4, batch 2 (its ring holds 4 ops)"),
                    results::toString);
            assertEquals(1, control.resets(), "the claim's close reset the engine");
        }
    }

    @Test
    void aCopyThatGoesTheWrongWayIsStoppedByTheIommuAndReported() {
        SimControl control = new SimControl();
        try (DmaRuntime runtime = SimRuntimes.builder(new FakeIommuDomain("iommu"), new SimProvider(EDU_LIKE, control))
                .exclusiveChannels(true).build()) {
            control.writeToSourceNext(1); // the device writes over the source instead of reading it
            BenchRun.Results results = BenchRun.run(runtime, runtime.engines(), BenchPath.RAW, List.of(64L), 1, 1,
                    5_000_000L, Optional.empty(), text -> { });
            BenchPoint point = results.points().get(0);
            // the core mapped the source device-read-only: the write faulted (in the warm-up's first op)
            assertEquals("during the warm-up, 1 op(s) failed, the first ticket 0 ended TRANSFER_FAULT",
                    point.firstFailure().orElseThrow(), point::toString);
            assertTrue(point.failed());
        }
    }

    @Test
    void privateMemoryThatGotTheWrongBytesIsCaughtByTheReadBack() {
        ForwardingProvider shortSim = new ForwardingProvider("sim", new SimProvider(EDU_LIKE, new SimControl())) {
            @Override
            protected DmaEngine wrap(DmaEngine sim, EngineContext context) {
                return new ForwardingEngine(sim, channel -> new ForwardingChannel(channel) {
                    @Override
                    public long enqueueCopy(int srcSpace, long src, int dstSpace, long dst, int lengthBytes, int flags) {
                        // into private memory one byte short; reads back whole
                        return super.enqueueCopy(srcSpace, src, dstSpace, dst, dstSpace == 0 ? lengthBytes : lengthBytes - 1, flags);
                    }
                });
            }
        };
        try (DmaRuntime runtime = SimRuntimes.builder(new FakeIommuDomain("iommu")).provider(shortSim)
                .exclusiveChannels(true).build()) {
            BenchRun.Results results = BenchRun.run(runtime, runtime.engines(), BenchPath.RAW, List.of(64L), 1, 1,
                    5_000_000L, Optional.empty(), text -> { });
            BenchPoint point = results.points().get(0);
            assertEquals(0, point.failedOps(), point::toString);
            assertEquals("destination byte 63 of 64 differs from the source (read back from sim sram)",
                    point.firstFailure().orElseThrow(), point::toString);
        }
    }
}
