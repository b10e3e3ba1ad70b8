package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An engine that reports a fatal condition out of band (DmaEngine.fatalCondition) is reset by the
 * watchdog like a hung one: its outstanding work ends ABORTED naming the condition and the engine
 * serves again. Only a condition that survives the reset retires it. The op timeout is long so
 * the watchdog's hang check cannot be what ends the held ops.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineFatalConditionTest {
    private static final long WAIT_MILLIS = 10_000;
    private static final Duration LONG_OP_TIMEOUT = Duration.ofSeconds(30);
    private static final String CONDITION = "sim: controller fatal status (injected)";

    @Test
    void aTransferInFlightEndsWithTheReasonAndTheResetEngineServesTheNextCopy() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1), control);
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).opTimeout(LONG_OP_TIMEOUT).build();
             DmaBuffer src = dma.allocate(8192);
             DmaBuffer dst = dma.allocate(8192)) {
            control.hold = true;
            CompletableFuture<TransferResult> held = dma.copy(src, 0, dst, 0, 1024);
            assertTrue(SimControl.await(() -> control.visible() == 1, WAIT_MILLIS), "the op never reached the ring");
            assertFalse(held.isDone(), "the held device completed nothing yet");

            control.fatalCondition = CONDITION;

            TransferResult result = held.join();
            assertEquals(TransferStatus.ABORTED, result.status());
            assertTrue(result.reason().orElse("").contains(CONDITION), result.toString());
            assertEquals(0, control.executed(), "the device never executed the op");
            assertEquals(1, control.resets(), "the condition was answered with one reset");
            assertEquals(0, LocationInternals.gate(src).inFlight(), "the reset dropped the op, so its source is released");
            assertEquals(0, LocationInternals.gate(dst).inFlight(), "the reset dropped the op, so its destination is released");
            EngineInfo info = dma.engines().get(0);
            assertTrue(info.unavailable().isEmpty(), "the engine serves again after its reset: " + info);
            assertEquals(1, info.resets(), info.toString());

            control.hold = false;
            byte[] data = randomBytes(8192, 5);
            write(src, 0, data);
            TransferResult next = dma.copy(src, 0, dst, 0, 8192).join();
            assertEquals(TransferStatus.SUCCESS, next.status(), next.toString());
            assertEquals("sim", next.engine(), "the same engine served it");
            assertTrue(next.reason().isEmpty(), next.toString());
            assertArrayEquals(data, read(dst, 0, 8192), "the reset engine copies byte for byte");
        }
    }

    @Test
    void aConditionThatSurvivesTheResetRetiresTheEngine() {
        SimControl control = new SimControl();
        control.fatalSurvivesReset = true;
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1), control);
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).opTimeout(LONG_OP_TIMEOUT).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            control.hold = true;
            CompletableFuture<TransferResult> held = dma.copy(src, 0, dst, 0, 1024);
            assertTrue(SimControl.await(() -> control.visible() == 1, WAIT_MILLIS), "the op never reached the ring");

            control.fatalCondition = CONDITION;

            TransferResult result = held.join();
            assertEquals(TransferStatus.ABORTED, result.status());
            assertTrue(result.reason().orElse("").contains(CONDITION), result.toString());
            assertEquals(0, control.executed(), "the device never executed the op");
            assertEquals(1, control.resets(), "one reset was tried");
            EngineInfo info = dma.engines().get(0);
            assertEquals(CONDITION, info.unavailable().orElse(""), info.toString());

            long fetchedBefore = control.fetched();
            control.hold = false; // a device that would work again must still get nothing
            NoEngineAvailableException refused = assertThrows(NoEngineAvailableException.class,
                () -> dma.copy(src, 0, dst, 0, 64));
            assertTrue(refused.getMessage().contains(CONDITION), refused.getMessage());
            assertEquals(fetchedBefore, control.fetched(), "nothing was dispatched to the retired engine");
            assertEquals(0, LocationInternals.gate(src).inFlight(), "the reset did succeed, so the dropped op released its source");
        }
    }

    @Test
    void laterCopiesGoToTheHealthyEngine() {
        SimControl sickControl = new SimControl();
        sickControl.fatalSurvivesReset = true;
        SimControl healthyControl = new SimControl();
        SimProvider sick = new SimProvider(SimConfig.defaults().withName("sick").withChannels(1), sickControl);
        SimProvider healthy = new SimProvider(SimConfig.defaults().withName("healthy").withChannels(1), healthyControl);
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sick, healthy).opTimeout(LONG_OP_TIMEOUT)
                 .prefer("sick").build();
             DmaBuffer src = dma.allocate(8192);
             DmaBuffer dst = dma.allocate(8192)) {
            write(src, 0, randomBytes(8192, 11));
            TransferResult before = dma.copy(src, 0, dst, 0, 4096).join();
            assertEquals(TransferStatus.SUCCESS, before.status());
            assertEquals("sick", before.engine(), "preferred while healthy");

            sickControl.fatalCondition = CONDITION;
            assertTrue(SimControl.await(() -> dma.engines().stream()
                .anyMatch(e -> e.name().equals("sick") && e.unavailable().isPresent()), WAIT_MILLIS), "the engine was never retired");

            long sickFetched = sickControl.fetched();
            for (int i = 0; i < 4; i++) {
                TransferResult after = dma.copy(src, 4096, dst, 4096, 4096).join();
                assertEquals(TransferStatus.SUCCESS, after.status());
                assertEquals("healthy", after.engine(), "copy " + i + " after the fatal condition");
                assertTrue(after.reason().isEmpty(), after.toString());
            }
            assertEquals(sickFetched, sickControl.fetched(), "the retired engine fetched nothing more");
            assertArrayEquals(read(src, 0, 8192), read(dst, 0, 8192));
        }
    }

    @Test
    void aHealthyEngineIsPolledAndKeepsServing() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1), control);
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).opTimeout(Duration.ofMillis(400)).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            assertTrue(SimControl.await(() -> control.fatalChecks.get() >= 3, WAIT_MILLIS), "the watchdog never asked the engine");
            assertTrue(dma.engines().get(0).unavailable().isEmpty());
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, dst, 0, 4096).join().status());
        }
    }
}
