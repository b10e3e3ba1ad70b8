package io.dmactl.core.runtime;

import io.dmactl.core.BatchResult;
import io.dmactl.core.Batch;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batches: one doorbell, fences that hold on a reordering device, one engine for every op. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeBatchTest {

    @Test
    void aBatchRingsTheDoorbellOnce() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withRingSize(64), control);
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer src = dma.allocate(32 * 256);
             DmaBuffer dst = dma.allocate(32 * 256)) {
            write(src, 0, randomBytes(32 * 256, 9));
            Batch batch = dma.batch();
            for (int i = 0; i < 32; i++) {
                batch.copy(src, i * 256L, dst, i * 256L, 256);
            }
            long doorbellsBefore = control.doorbells();
            BatchResult result = batch.submit();
            List<TransferResult> all = result.all().join();
            assertEquals(32, all.size());
            for (TransferResult r : all) {
                assertEquals(TransferStatus.SUCCESS, r.status());
            }
            assertEquals(1, control.doorbells() - doorbellsBefore, "32 ops, one doorbell");
            assertArrayEquals(read(src, 0, 32 * 256), read(dst, 0, 32 * 256));
        }
    }

    @Test
    void aFenceInABatchHoldsOnAReorderingDevice() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults(), control);
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer a = dma.allocate(8192);
             DmaBuffer b = dma.allocate(8192);
             DmaBuffer c = dma.allocate(8192)) {
            for (int round = 0; round < 10; round++) {
                byte[] data = randomBytes(8192, 100 + round);
                write(a, 0, data);
                BatchResult r = dma.batch()
                    .copy(a, 0, b, 0, 8192)
                    .fence()
                    .copy(b, 0, c, 0, 8192)
                    .fill(a, 0, 8192, 0)
                    .submit();
                for (TransferResult t : r.all().join()) {
                    assertEquals(TransferStatus.SUCCESS, t.status());
                }
                assertArrayEquals(data, read(c, 0, 8192), "round " + round + ": fenced copy saw stale data");
            }
        }
    }

    @Test
    void aBatchNoSingleEngineCanServeNamesTheOp() {
        SimProvider simA = new SimProvider(SimConfig.defaults().withName("sim-a"), new SimControl());
        SimProvider simB = new SimProvider(SimConfig.defaults().withName("sim-b"), new SimControl());
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), simA, simB).build();
             DmaBuffer host = dma.allocate(4096)) {
            Batch batch = dma.batch()
                .copy(host, 0, dma.privateSpace("sim-a", "sram"), 0, 1024)
                .copy(host, 0, dma.privateSpace("sim-b", "sram"), 0, 1024);
            NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class, batch::submit);
            assertTrue(e.getMessage().contains("sim-a: op #1"), e.getMessage());
            assertTrue(e.getMessage().contains("sim-b: op #0"), e.getMessage());
            assertEquals(0, simA.control().visible() + simB.control().visible(), "nothing reached a device");
        }
    }

    @Test
    void aBatchCannotBeSubmittedTwiceOrEmpty() {
        SimProvider sim = new SimProvider(SimConfig.defaults(), new SimControl());
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer host = dma.allocate(4096)) {
            assertThrows(IllegalStateException.class, () -> dma.batch().submit());
            Batch batch = dma.batch().fill(host, 0, 64, 1);
            batch.submit().all().join();
            assertThrows(IllegalStateException.class, batch::submit);
            assertThrows(IllegalStateException.class, () -> batch.fill(host, 0, 64, 1));
        }
    }
}
