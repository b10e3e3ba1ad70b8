package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.DmaAccess;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing through the runtime: ownership of private spaces, explicit choice, DMA masks, shared mappings. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeDispatchTest {

    @Test
    void privateSpacesRouteToTheirOwnerAndCrossDeviceCopiesAreExplained() {
        SimProvider simA = new SimProvider(SimConfig.defaults().withName("sim-a"), new SimControl());
        SimProvider simB = new SimProvider(SimConfig.defaults().withName("sim-b"), new SimControl());
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), simA, simB).build();
             DmaBuffer host = dma.allocate(4096)) {
            assertEquals("sim-b", dma.copy(host, 0, dma.privateSpace("sim-b", "sram"), 0, 4096).join().engine());
            assertEquals("sim-a", dma.copy(dma.privateSpace("sim-a", "sram"), 0, host, 0, 4096).join().engine());
            NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class,
                () -> dma.copy(dma.privateSpace("sim-a", "sram"), 0, dma.privateSpace("sim-b", "sram"), 0, 64));
            String m = e.getMessage();
            assertTrue(m.contains("sim-a: cannot reach destination sim-b sram: it is private to engine sim-b"), m);
            assertTrue(m.contains("sim-b: cannot reach source sim-a sram: it is private to engine sim-a"), m);
            String explained = dma.explainCopy(host, 0, dma.privateSpace("sim-a", "sram"), 0, 64);
            assertTrue(explained.contains("sim-a: can serve") && explained.contains("chosen: sim-a"), explained);
        }
    }

    @Test
    void viaPinsTheEngineAndPreferenceBreaksTies() {
        SimProvider simA = new SimProvider(SimConfig.defaults().withName("sim-a"), new SimControl());
        SimProvider simB = new SimProvider(SimConfig.defaults().withName("sim-b"), new SimControl());
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), simA, simB).prefer("sim-b").build();
             DmaBuffer src = dma.allocate(65536);
             DmaBuffer dst = dma.allocate(65536)) {
            assertEquals("sim-b", dma.copy(src, 0, dst, 0, 65536).join().engine(), "preference");
            assertEquals("sim-a", dma.via("sim-a").copy(src, 0, dst, 0, 65536).join().engine(), "explicit choice");
            NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class,
                () -> dma.via("sim-a").copy(src, 0, dma.privateSpace("sim-b", "sram"), 0, 64));
            assertTrue(e.getMessage().contains("sim-b: not the requested engine 'sim-a'"), e.getMessage());
        }
    }

    /**
     * One domain, a 28-bit and a 48-bit engine: a buffer gets one mapping per device right (source:
     * read-only, destination: write-only) and per mask class. A mapping the narrow engine made
     * serves the wide one too; one the wide engine made lies above 2^28, so the narrow engine gets
     * its own. Closing a buffer unmaps all of its mappings.
     */
    @Test
    void aBufferIsMappedOncePerRightAndMaskClassBelowEachMaskAndUnmappedWhenClosed() {
        SimProvider narrow = new SimProvider(SimConfig.defaults().withName("narrow").withDmaMaskBits(28), new SimControl());
        SimProvider wide = new SimProvider(SimConfig.defaults().withName("wide").withDmaMaskBits(48), new SimControl());
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        try (DmaRuntime dma = builder(iommu, narrow, wide).build()) {
            DmaBuffer src = dma.allocate(8192);
            DmaBuffer dst = dma.allocate(8192);
            assertEquals(TransferStatus.SUCCESS, dma.via("narrow").copy(src, 0, dst, 0, 8192).join().status());
            assertEquals(TransferStatus.SUCCESS, dma.via("wide").copy(src, 0, dst, 0, 8192).join().status());
            assertEquals(2, iommu.mapCalls(), "two buffers, each mapped once, shared by both engines");
            long iova = RuntimeInternals.iovaOf(dma, src, "narrow").orElseThrow();
            assertTrue(iova > 0 && iova + 8192 <= 1L << 28, "IOVA 0x" + Long.toHexString(iova) + " honours the 28-bit mask");
            assertEquals(iova, RuntimeInternals.iovaOf(dma, src, "wide").orElseThrow(), "same domain, same mapping");

            assertEquals(TransferStatus.SUCCESS, dma.via("wide").copy(dst, 0, src, 0, 8192).join().status());
            assertEquals(4, iommu.mapCalls(), "each buffer used the other way: a mapping with the other right");
            List<FakeIommuDomain.MappedRange> srcWritable = iommu.mappingsOf(src.pages().address()).stream()
                .filter(m -> m.access() == DmaAccess.DEVICE_WRITES).toList();
            assertEquals(1, srcWritable.size(), iommu.mappings().toString());
            assertTrue(srcWritable.getFirst().iova() > 1L << 28, "the wide engine's new mapping lies high: " + srcWritable);
            assertEquals(TransferStatus.SUCCESS, dma.via("narrow").copy(dst, 0, src, 0, 8192).join().status());
            assertEquals(6, iommu.mapCalls(), "the wide engine's new mappings are out of the narrow one's reach: two more");
            assertEquals(TransferStatus.SUCCESS, dma.via("wide").copy(dst, 0, src, 0, 8192).join().status());
            assertEquals(TransferStatus.SUCCESS, dma.via("narrow").copy(src, 0, dst, 0, 8192).join().status());
            assertEquals(6, iommu.mapCalls(), "from now on everything is reused");

            src.close();
            assertEquals(3, iommu.unmapCalls(), "src had three mappings");
            assertEquals(3, iommu.mappingCount());
            assertTrue(RuntimeInternals.iovaOf(dma, src, "wide").isEmpty());
            dst.close();
            assertEquals(0, iommu.mappingCount());
        }
    }

    @Test
    void callbacksRunOnTheCompletionExecutorExactlyOnce() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "completions"));
        SimProvider sim = new SimProvider(SimConfig.defaults(), new SimControl());
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).completionExecutor(executor).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            int ops = 500;
            int[] calls = new int[ops];
            CompletableFuture<Void> all = new CompletableFuture<>();
            java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<String> wrongThread = new java.util.concurrent.atomic.AtomicReference<>();
            for (int i = 0; i < ops; i++) {
                int op = i;
                dma.copy(src, (i % 64) * 64L, dst, (i % 64) * 64L, 64, r -> {
                    calls[op]++;
                    if (!r.isSuccess()) {
                        wrongThread.set("op " + op + " ended " + r.status());
                    }
                    if (!Thread.currentThread().getName().equals("completions")) {
                        wrongThread.set(Thread.currentThread().getName());
                    }
                    if (done.incrementAndGet() == ops) {
                        all.complete(null);
                    }
                });
            }
            all.join();
            executor.submit(() -> { }).get(); // every callback queued before this one has run
            for (int i = 0; i < ops; i++) {
                assertEquals(1, calls[i], "callback count of op " + i);
            }
            assertEquals(null, wrongThread.get(), "a callback failed or ran outside the completion executor");
        } finally {
            executor.shutdown();
        }
    }
}
