package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.ForwardingEngine;
import io.dmactl.core.sim.ForwardingProvider;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.EngineContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Memory an engine took for itself (rings, as the NVMe engine does) goes back to the pool only
 * after the engine closed and its IOVA mappings were dropped: its pages must never be handed out
 * again while still mapped for the device ({@link EngineContext#releaseAfterDevice}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EngineMemoryReturnOrderTest {

    @Test
    void ringMemoryReturnsToThePoolAfterTheEngineClosedAndItsMappingWasDropped() {
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        RingOwningProvider provider = new RingOwningProvider(new SimProvider(SimConfig.defaults().withChannels(1), new SimControl()));
        DmaRuntime dma = builder(iommu).provider(provider).build();
        DmaBuffer ring = provider.ring;
        assertTrue(RuntimeInternals.iovaOf(dma, ring, "sim").isPresent(), "the engine mapped its ring");
        assertEquals(1, iommu.mappingCount(), "only the ring is mapped");
        List<String> returns = new CopyOnWriteArrayList<>();
        RuntimeInternals.memoryPool(dma).addReleaseListener(buffer -> {
            if (buffer == ring) { // runs after the runtime's own listener, right before the pages are reused
                returns.add("engine closed " + provider.engineClosed + ", mappings left " + iommu.mappingCount());
            }
        });

        dma.close();

        assertEquals(List.of("engine closed true, mappings left 0"), returns);
        assertTrue(provider.handedBack, "the engine gave its ring back through the context");
        assertFalse(dma.isOpen());
    }

    /** Opens the simulated engine and, like a real driver, a ring buffer of its own in the pool. */
    private static final class RingOwningProvider extends ForwardingProvider {
        volatile DmaBuffer ring;
        volatile boolean engineClosed;
        volatile boolean handedBack;

        RingOwningProvider(SimProvider sim) {
            super(sim.name(), sim);
        }

        @Override
        protected DmaEngine wrap(DmaEngine opened, EngineContext context) {
            DmaBuffer owned = context.memoryPool().allocate(4096);
            context.deviceAddress(owned, 32);
            ring = owned;
            return new ForwardingEngine(opened, UnaryOperator.identity()) {
                @Override
                public void close() {
                    inner.close();
                    engineClosed = true;
                    context.releaseAfterDevice(owned); // the device stopped: the runtime may take it back
                    handedBack = true;
                }
            };
        }
    }
}
