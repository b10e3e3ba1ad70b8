package io.dmactl.cli.selftest;

import io.dmactl.cli.copy.BytePattern;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.ForwardingChannel;
import io.dmactl.core.sim.ForwardingEngine;
import io.dmactl.core.sim.ForwardingProvider;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import io.dmactl.core.sim.SimRuntimes;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.EngineContext;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host->dev->dev->host route on a simulated device with a private SRAM (the core's sim
 * engine, which copies SRAM to SRAM like an NVMe Copy within a namespace): the bytes really go
 * through a second region of the private memory, and a private copy that moves one byte too few
 * fails the route although every host<->device op is right.
 */
class PrivateCopyRouteTest {

    private static final SimConfig SIM = SimConfig.defaults().withName("sim").withChannels(1).withPrivateSpaceBytes(64 * 1024);

    @Test
    void theRouteCopiesWithinPrivateMemoryAndChecksEveryByteAndTheMargins() {
        SimProvider sim = new SimProvider(SIM, new SimControl());
        List<String> failures = new ArrayList<>();
        RouteSummary summary;
        try (DmaRuntime runtime = SimRuntimes.builder(new FakeIommuDomain("fake-iommu"), sim).build()) {
            EngineInfo engine = runtime.engines().get(0);
            assertTrue(EngineSelftest.routes(engine, false).contains(SelftestRoute.HOST_DEV_DEV_HOST),
                    () -> "routes of " + engine.capabilities());
            summary = run(runtime, engine, failures);
            // The sim engine is quick-tested like hardware: 4000 bytes at 0/0 and 61 at 5/3. The
            // destination region starts above both sources (at 4000) with a 64-byte margin.
            MemorySegment sram = sim.lastEngine().sram();
            long lastCaseSeed = CaseMatrix.cases(true, 1, SIM.maxTransferBytes(), 64 * 1024).get(1).seed();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment expected = arena.allocate(61);
                BytePattern.fill(expected, lastCaseSeed);
                long destination = 4000 + 64 + 3;
                assertEquals(-1, MemorySegment.mismatch(expected, 0, 61, sram, destination, destination + 61),
                        "the last case's bytes in the second region of the SRAM");
                for (long i = 1; i <= 64; i++) {
                    assertEquals((byte) 0xA5, sram.get(ValueLayout.JAVA_BYTE, destination - i));
                    assertEquals((byte) 0xA5, sram.get(ValueLayout.JAVA_BYTE, destination + 60 + i));
                }
            }
        }
        assertEquals(List.of(), failures);
        assertEquals("host->dev->dev->host", summary.direction());
        assertEquals(2, summary.cases());
        assertEquals(0, summary.failures());
        assertEquals(8, summary.ops(), "four ops per case: pattern in, guards in, the private copy, read back");
        assertEquals((4000 + 4128 + 4000 + 4128) + (61 + 189 + 61 + 189), summary.bytes());
    }

    @Test
    void aPrivateCopyOneByteShortFailsTheRoute() {
        DmaProvider shortSim = new ShortPrivateCopies(new SimProvider(SIM, new SimControl()));
        List<String> failures = new ArrayList<>();
        RouteSummary summary;
        try (DmaRuntime runtime = SimRuntimes.builder(new FakeIommuDomain("fake-iommu")).provider(shortSim).build()) {
            EngineInfo engine = runtime.engines().get(0);
            assertEquals(0, run(runtime, engine, SelftestRoute.HOST_DEV_HOST, new ArrayList<>()).failures(),
                    "host<->device ops are not broken");
            summary = run(runtime, engine, failures);
        }
        assertEquals(2, summary.failures(), summary::toString);
        assertTrue(failures.get(0).startsWith("sim host->dev->dev->host (4000 bytes, source +0, destination +0): byte 3999 differs"),
                failures::toString);
    }

    @Test
    void anEngineThatCannotCopyWithinItsPrivateMemoryIsNotOfferedTheRoute() {
        SimProvider sim = new SimProvider(SIM, new SimControl());
        try (DmaRuntime runtime = SimRuntimes.builder(new FakeIommuDomain("fake-iommu"), sim).build()) {
            EngineInfo engine = runtime.engines().get(0);
            EngineCapabilities caps = engine.capabilities();
            EngineCapabilities noPrivateCopy = new EngineCapabilities(caps.ops(), caps.directions(), caps.reaches(),
                    caps.addressing(), caps.execution(), caps.maxTransferBytes(), caps.alignmentBytes(), caps.dmaMaskBits(),
                    caps.maxSgEntries(), caps.ringSize(), caps.channelCount(), caps.interrupts(), caps.inOrderCompletion(),
                    caps.requiresOwnPrivateEnd(), 0);
            EngineInfo declaringNone = new EngineInfo(engine.name(), engine.provider(), engine.device(), noPrivateCopy,
                    engine.privateSpaces(), engine.resets(), engine.unavailable());
            assertTrue(EngineSelftest.routes(declaringNone, true).contains(SelftestRoute.HOST_DEV_HOST));
            assertFalse(EngineSelftest.routes(declaringNone, true).contains(SelftestRoute.HOST_DEV_DEV_HOST));
        }
    }

    private static RouteSummary run(DmaRuntime runtime, EngineInfo engine, List<String> failures) {
        return run(runtime, engine, SelftestRoute.HOST_DEV_DEV_HOST, failures);
    }

    private static RouteSummary run(DmaRuntime runtime, EngineInfo engine, SelftestRoute route, List<String> failures) {
        try (DmaBuffer source = runtime.allocate(EngineSelftest.HOST_BUFFER_BYTES);
             DmaBuffer destination = runtime.allocate(EngineSelftest.HOST_BUFFER_BYTES)) {
            return new EngineSelftest(runtime, source, destination, failures::add).run(engine, route, Optional.empty());
        }
    }

    /** The sim engine, except that a copy from private memory to private memory moves one byte too few. */
    private static final class ShortPrivateCopies extends ForwardingProvider {
        ShortPrivateCopies(SimProvider sim) {
            super(sim.name(), sim);
        }

        @Override
        protected DmaEngine wrap(DmaEngine opened, EngineContext context) {
            return new ForwardingEngine(opened, ShortChannel::new);
        }
    }

    private static final class ShortChannel extends ForwardingChannel {
        ShortChannel(DmaChannel inner) {
            super(inner);
        }

        @Override
        public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            boolean privateToPrivate = srcSpace != 0 && dstSpace != 0;
            return inner.enqueueCopy(srcSpace, srcAddress, dstSpace, dstAddress,
                    privateToPrivate ? lengthBytes - 1 : lengthBytes, flags);
        }
    }
}
