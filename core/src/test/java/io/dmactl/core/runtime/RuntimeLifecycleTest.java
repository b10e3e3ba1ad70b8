package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hangs, resets, close with work in flight, buffer lifetimes: each with the exact statuses. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeLifecycleTest {
    private static final long WAIT_MILLIS = 10_000;

    @Test
    void watchdogResetsAHungEngineTheHungOpTimesOutTheOthersAbort() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1), control);
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        try (DmaRuntime dma = builder(iommu, sim).opTimeout(Duration.ofMillis(300)).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            control.hangNext();
            CompletableFuture<TransferResult> hung = dma.copy(src, 0, dst, 0, 1024);
            assertTrue(SimControl.await(control::isHung, WAIT_MILLIS), "device never hung");
            CompletableFuture<TransferResult> behind = dma.copy(src, 1024, dst, 1024, 1024);
            assertTrue(SimControl.await(() -> control.visible() == 2, WAIT_MILLIS), "second op never reached the ring");

            assertEquals(TransferStatus.TIMEOUT, hung.join().status());
            assertEquals(TransferStatus.ABORTED, behind.join().status());
            assertEquals(1, control.resets());
            EngineInfo info = dma.engines().get(0);
            assertEquals(1, info.resets());
            assertTrue(info.unavailable().isEmpty(), "the engine serves again after its reset");

            write(src, 0, randomBytes(4096, 7));
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, dst, 0, 4096).join().status());
            assertArrayEquals(read(src, 0, 4096), read(dst, 0, 4096));
        }
    }

    // An engine whose reset fails: RuntimePinnedAfterFailedResetTest (its ring's memory stays pinned).

    @Test
    void resetDuringOutstandingWorkAbortsExactlyThatWork() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1), control);
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer dst = dma.allocate(4096)) {
            DmaBuffer src = dma.allocate(4096);
            control.hold = true;
            List<CompletableFuture<TransferResult>> held = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                held.add(dma.copy(src, i * 512L, dst, i * 512L, 512));
            }
            assertTrue(SimControl.await(() -> control.visible() == 5, WAIT_MILLIS), "ops never reached the ring");
            assertTrue(dma.resetEngine("sim"));
            for (CompletableFuture<TransferResult> f : held) {
                assertEquals(TransferStatus.ABORTED, f.join().status());
            }
            assertEquals(0, control.executed(), "the held device executed nothing");
            control.hold = false;
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, dst, 0, 4096).join().status());
            assertDoesNotThrow(src::close, "aborted transfers must release their buffers");
        }
    }

    @Test
    void closeAbortsWorkInFlightAndQueuedWorkThenIsIdempotent() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1).withRingSize(4), control);
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        DmaRuntime dma = builder(iommu, sim).closeGrace(Duration.ofMillis(50)).build();
        DmaBuffer src = dma.allocate(4096);
        DmaBuffer dst = dma.allocate(4096);
        control.hold = true;
        List<CompletableFuture<TransferResult>> futures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            futures.add(dma.copy(src, i * 256L, dst, i * 256L, 256));
        }
        assertTrue(SimControl.await(() -> control.visible() == 4, WAIT_MILLIS), "the ring never filled");
        assertTrue(iommu.mappingCount() > 0);

        dma.close();

        for (int i = 0; i < futures.size(); i++) {
            assertEquals(TransferStatus.ABORTED, futures.get(i).join().status(), "op " + i);
        }
        assertEquals(0, control.executed());
        assertEquals(0, iommu.mappingCount(), "every IOVA is unmapped after close");
        assertTrue(iommu.isClosed());
        assertFalse(dma.isOpen());
        assertDoesNotThrow(dma::close, "close is idempotent");
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> dma.allocate(4096));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        assertThrows(IllegalStateException.class, () -> dma.copy(src, 0, dst, 0, 16));
        assertDoesNotThrow(src::close, "closing a buffer after its runtime is harmless");
    }

    @Test
    void closeLetsWorkWithTheEngineFinishWithinTheGracePeriod() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1), control);
        DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).closeGrace(Duration.ofSeconds(20)).build();
        DmaBuffer src = dma.allocate(4096);
        DmaBuffer dst = dma.allocate(4096);
        write(src, 0, randomBytes(4096, 8));
        control.delayNanosPerOp = 20_000_000L;
        CompletableFuture<TransferResult> slow = dma.copy(src, 0, dst, 0, 4096);
        assertTrue(SimControl.await(() -> control.fetched() == 1, WAIT_MILLIS));
        dma.close();
        assertEquals(TransferStatus.SUCCESS, slow.join().status(), "work the engine held finished during the grace period");
    }

    @Test
    void bufferWithDmaInFlightCannotBeClosed() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults(), control);
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build()) {
            DmaBuffer src = dma.allocate(4096);
            DmaBuffer dst = dma.allocate(4096);
            control.hold = true;
            CompletableFuture<TransferResult> pending = dma.copy(src, 0, dst, 0, 4096);
            assertTrue(SimControl.await(() -> control.visible() == 1, WAIT_MILLIS));
            IllegalStateException refused = assertThrows(IllegalStateException.class, src::close);
            assertTrue(refused.getMessage().contains("1 transfer(s) in flight"), refused.getMessage());
            assertTrue(refused.getMessage().contains(src.name()), refused.getMessage());
            assertFalse(src.isClosed());
            control.hold = false;
            assertEquals(TransferStatus.SUCCESS, pending.join().status());
            src.close();
            assertTrue(src.isClosed());
            IllegalStateException twice = assertThrows(IllegalStateException.class, src::close);
            assertTrue(twice.getMessage().contains("double free"), twice.getMessage());
            IllegalStateException closedUse = assertThrows(IllegalStateException.class, () -> dma.copy(src, 0, dst, 0, 16));
            assertTrue(closedUse.getMessage().contains("closed"), closedUse.getMessage());
            dst.close();
        }
    }

    @Test
    @SuppressWarnings("try") // closing the runtime inside its own try block is the point of this test
    void closeFromACompletionCallbackIsRefused() {
        SimProvider sim = new SimProvider(SimConfig.defaults(), new SimControl());
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            dma.copy(src, 0, dst, 0, 64, r -> {
                try {
                    dma.close();
                } catch (Throwable t) {
                    thrown.set(t);
                }
                done.complete(null);
            });
            done.join();
            assertInstanceOf(IllegalStateException.class, thrown.get());
            assertTrue(dma.isOpen());
        }
    }
}
