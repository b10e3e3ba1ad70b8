package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No release of a buffer with DMA in flight: when an engine must be given up without its device
 * being seen to stop (its reset fails), the ops already in the device's ring end ABORTED but keep
 * their buffers pinned and IOVA-mapped, while ops still queued in software are released at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimePinnedAfterFailedResetTest {
    private static final long WAIT_MILLIS = 10_000;

    @Test
    void aFailedResetKeepsTheRingsMemoryPinnedAndReleasesWhatWasOnlyQueued() {
        SimControl control = new SimControl();
        control.reorder = false;
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1).withRingSize(2), control);
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        DmaRuntime dma = builder(iommu, sim).opTimeout(Duration.ofMillis(200)).build();
        DmaBuffer ringSrc = dma.allocate(4096);
        DmaBuffer ringDst = dma.allocate(4096);
        DmaBuffer queuedSrc = dma.allocate(4096);
        DmaBuffer queuedDst = dma.allocate(4096);
        try {
            control.failReset = true;
            control.hangNext();
            CompletableFuture<TransferResult> hung = dma.copy(ringSrc, 0, ringDst, 0, 1024);
            CompletableFuture<TransferResult> behind = dma.copy(ringSrc, 1024, ringDst, 1024, 1024);
            assertTrue(SimControl.await(() -> control.visible() == 2, WAIT_MILLIS), "the two ops never filled the ring");
            CompletableFuture<TransferResult> queued = dma.copy(queuedSrc, 0, queuedDst, 0, 1024); // no room in the ring

            for (CompletableFuture<TransferResult> inRing : List.of(hung, behind)) {
                TransferResult result = inRing.join();
                assertEquals(TransferStatus.ABORTED, result.status(), result.toString());
                String reason = result.reason().orElse("");
                assertTrue(reason.contains("reset failed: injected reset failure"), reason);
                assertTrue(reason.contains("pinned"), "the client learns its memory stays pinned: " + reason);
            }
            TransferResult software = queued.join();
            assertEquals(TransferStatus.ABORTED, software.status(), software.toString());
            assertFalse(software.reason().orElse("").contains("pinned"), software.toString());
            assertEquals(0, control.executed(), "the device executed nothing");

            assertEquals(2, LocationInternals.gate(ringSrc).inFlight(), "both ring ops keep their source pinned");
            assertEquals(2, LocationInternals.gate(ringDst).inFlight(), "both ring ops keep their destination pinned");
            assertEquals(0, LocationInternals.gate(queuedSrc).inFlight(), "an op that never reached the device is released");
            assertEquals(0, LocationInternals.gate(queuedDst).inFlight(), "an op that never reached the device is released");

            IllegalStateException refused = assertThrows(IllegalStateException.class, ringDst::close);
            assertTrue(refused.getMessage().contains(ringDst.name()), refused.getMessage());
            assertTrue(refused.getMessage().contains("stays pinned"), refused.getMessage());
            assertTrue(refused.getMessage().contains("reset failed"), "names why: " + refused.getMessage());
            assertFalse(ringDst.isClosed());
            assertTrue(RuntimeInternals.iovaOf(dma, ringDst, "sim").isPresent(), "the IOVA the device may still write stays mapped");
            assertTrue(RuntimeInternals.iovaOf(dma, ringSrc, "sim").isPresent(), "the IOVA the device may still read stays mapped");
            assertDoesNotThrow(queuedSrc::close);
            assertDoesNotThrow(queuedDst::close);

            EngineInfo info = dma.engines().get(0);
            assertTrue(info.unavailable().orElse("").contains("injected reset failure"), info.toString());
            NoEngineAvailableException noEngine = assertThrows(NoEngineAvailableException.class,
                () -> dma.copy(ringSrc, 2048, ringDst, 2048, 64));
            assertTrue(noEngine.getMessage().contains("sim: reset failed: injected reset failure"), noEngine.getMessage());
        } finally {
            dma.close(); // the retired engine still closes: then the runtime frees the pinned memory
        }
        assertEquals(0, iommu.mappingCount(), "closing the runtime unmapped everything");
        assertDoesNotThrow(ringDst::close, "after the runtime closed, closing the buffer is harmless");
    }

    @Test
    void aResetThatFailsDuringCloseKeepsTheRingsMemoryPinned() {
        SimControl control = new SimControl();
        DmaRuntime dma = holdingRuntime(control);
        DmaBuffer src = dma.allocate(4096);
        DmaBuffer dst = dma.allocate(4096);
        CompletableFuture<TransferResult> first = dma.copy(src, 0, dst, 0, 512);
        CompletableFuture<TransferResult> second = dma.copy(src, 512, dst, 512, 512);
        assertTrue(SimControl.await(() -> control.visible() == 2, WAIT_MILLIS), "the ops never reached the ring");
        control.failReset = true;

        dma.close();

        for (CompletableFuture<TransferResult> f : List.of(first, second)) {
            TransferResult result = f.join();
            assertEquals(TransferStatus.ABORTED, result.status(), result.toString());
            assertTrue(result.reason().orElse("").contains("sim closed"), result.toString());
            assertTrue(result.reason().orElse("").contains("pinned"), result.toString());
        }
        assertEquals(2, LocationInternals.gate(src).inFlight(), "the pins were never given back while the device could still read");
        assertEquals(2, LocationInternals.gate(dst).inFlight(), "the pins were never given back while the device could still write");
        assertEquals(0, control.executed());
    }

    @Test
    void aResetThatWorksDuringCloseReleasesTheRingsMemory() {
        SimControl control = new SimControl();
        DmaRuntime dma = holdingRuntime(control);
        DmaBuffer src = dma.allocate(4096);
        DmaBuffer dst = dma.allocate(4096);
        CompletableFuture<TransferResult> held = dma.copy(src, 0, dst, 0, 512);
        assertTrue(SimControl.await(() -> control.visible() == 1, WAIT_MILLIS), "the op never reached the ring");

        dma.close();

        TransferResult result = held.join();
        assertEquals(TransferStatus.ABORTED, result.status(), result.toString());
        assertFalse(result.reason().orElse("").contains("pinned"), result.toString());
        assertEquals(1, control.resets(), "close reset the engine");
        assertEquals(0, LocationInternals.gate(src).inFlight(), "a confirmed reset releases the op's pins");
        assertEquals(0, LocationInternals.gate(dst).inFlight(), "a confirmed reset releases the op's pins");
    }

    /** A runtime on one sim channel whose device is held: ops submitted to its ring stay there, none executes. */
    private static DmaRuntime holdingRuntime(SimControl control) {
        control.hold = true;
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1), control);
        return builder(new FakeIommuDomain("iommu"), sim).closeGrace(Duration.ofMillis(50)).build();
    }
}
