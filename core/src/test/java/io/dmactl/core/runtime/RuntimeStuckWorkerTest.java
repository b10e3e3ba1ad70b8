package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.sim.BlockingEngine;
import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A runtime whose engine's channel owner is stuck in poll when the runtime closes: the engine is
 * not closed and the memory the owner could still touch is not freed (deliberately leaked), and
 * close says so by throwing. Takes about ten seconds: the runtime's own drain and stop timeouts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeStuckWorkerTest {

    @Test
    void closingARuntimeWithAStuckWorkerLeaksTheEngineAndItsMemory() throws Exception {
        StuckProvider provider = new StuckProvider();
        DmaRuntime dma = RuntimeInternals.pageSource(DmaRuntime.builder().discoverProviders(false), new ArenaPageSource(4096))
            .poolLimitBytes(16L << 20).provider(provider).closeGrace(Duration.ZERO).build();
        try {
            DmaBuffer src = dma.allocate(4096);
            DmaBuffer dst = dma.allocate(4096);
            CompletableFuture<TransferResult> copy = dma.copy(src, 0, dst, 0, 64);
            assertTrue(provider.engine.channel.pollEntered.await(10, TimeUnit.SECONDS), "the worker never polled");

            IllegalStateException leaked = assertThrows(IllegalStateException.class, dma::close);

            assertTrue(leaked.getMessage().contains("[stuck]"), "names the engine: " + leaked.getMessage());
            assertTrue(leaked.getMessage().contains("could not be stopped"), leaked.getMessage());
            assertTrue(leaked.getMessage().contains("DMA memory pool") && leaked.getMessage().contains("left in place"),
                "says what was left in place: " + leaked.getMessage());
            assertFalse(dma.isOpen());
            assertDoesNotThrow(dma::close, "a second close has nothing left to do");
            assertEquals(0, provider.engine.closeCalls.get(), "the engine must not be closed under its running worker");
            src.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1); // would throw if the pool had freed its memory
            DmaBuffer more = RuntimeInternals.memoryPool(dma).allocate(4096);
            more.close();
            assertFalse(copy.isDone(), "the op is still with the stuck owner");

            provider.engine.channel.release.countDown();
            TransferResult aborted = copy.get(10, TimeUnit.SECONDS);
            assertEquals(TransferStatus.ABORTED, aborted.status());
            assertTrue(aborted.reason().orElse("").contains("stuck closed"), aborted.toString());
            assertTrue(aborted.reason().orElse("").contains("pinned"), aborted.toString());
            assertEquals(1, LocationInternals.gate(src).inFlight(), "the owner left poll, but the op's pins stay: nothing confirmed it stopped");
            IllegalStateException pinned = assertThrows(IllegalStateException.class, dst::close);
            assertTrue(pinned.getMessage().contains("stays pinned"), pinned.getMessage());
        } finally {
            provider.engine.channel.release.countDown();
        }
    }

    private static final class StuckProvider implements DmaProvider {
        final BlockingEngine engine = new BlockingEngine();

        @Override
        public String name() {
            return "stuck";
        }

        @Override
        public DeviceRequirement devices() {
            return DeviceRequirement.none();
        }

        @Override
        public DmaEngine open(EngineContext context) {
            return engine;
        }
    }
}
