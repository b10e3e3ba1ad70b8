package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.PoolStatistics;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimRuntimes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool as a client sees it: a read-only snapshot, the pool itself stays inside the core. */
class PoolStatisticsTest {

    @Test
    void statisticsFollowAllocationAndClose() {
        try (DmaRuntime dma = SimRuntimes.builder(new FakeIommuDomain("iommu")).build()) {
            PoolStatistics empty = dma.poolStatistics();
            assertEquals(4096, empty.pageBytes());
            assertEquals(128L << 20, empty.limitBytes());
            assertEquals(0, empty.usedBytes());
            assertEquals(0, empty.liveBuffers());
            PoolStatistics inUse;
            try (DmaBuffer buffer = dma.allocate(10_000)) {
                inUse = dma.poolStatistics();
                assertEquals(1, inUse.liveBuffers());
                assertEquals(3 * 4096, inUse.usedBytes(), "whole pages");
                assertTrue(inUse.reservedBytes() >= inUse.usedBytes(), inUse.toString());
                assertEquals(10_000, buffer.lengthBytes());
            }
            assertEquals(0, dma.poolStatistics().liveBuffers());
            assertEquals(0, dma.poolStatistics().usedBytes());
        }
    }
}
