package io.dmactl.provider.cpu;

import io.dmactl.core.spi.DmaChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static io.dmactl.core.spi.DmaChannel.FLAG_SUBMIT;
import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing the engine returns only once its executors have ended: they write through raw addresses,
 * so a caller that frees its buffers after close must not race a copy still running.
 */
class CpuEngineCloseTest {
    /** Large enough that the copy takes tens of milliseconds, so close() lands in the middle of it. */
    private static final int COPY_BYTES = 256 << 20;

    @Test
    @Timeout(60)
    void closeWithACopyInFlightReturnsAfterTheExecutorHasEnded() {
        CpuEngine engine = new CpuEngine("close-test", 2, 16);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment source = arena.allocate(COPY_BYTES, 4096);
            MemorySegment destination = arena.allocate(COPY_BYTES, 4096);
            for (long at = 0; at < COPY_BYTES; at += 4096) {
                source.set(ValueLayout.JAVA_LONG, at, at * 31 + 7);
            }
            DmaChannel channel = engine.channel(0);
            assertEquals(0, channel.enqueueCopy(SPACE_BUS, source.address(), SPACE_BUS, destination.address(),
                COPY_BYTES, FLAG_SUBMIT));
            // Close only once the copy has begun: an op not yet fetched is dropped by stop, not run.
            // The copy runs forward in chunks, so its first bytes land while most are still to come.
            while (destination.get(ValueLayout.JAVA_LONG, 0) != source.get(ValueLayout.JAVA_LONG, 0)) {
                Thread.onSpinWait();
            }
            List<Thread> executors = executors("close-test");
            engine.close();

            assertFalse(executors.isEmpty(), "the engine's executor threads were not found by name");
            for (Thread executor : executors) {
                assertFalse(executor.isAlive(), executor.getName() + " outlived close()");
            }
            // The op it had fetched ran to its end before the thread did, and no later store can land.
            assertEquals(-1L, source.mismatch(destination), "the in-flight copy finished before close returned");
        }
    }

    @Test
    void closeIsIdempotentAndResetAfterCloseIsRefused() {
        CpuEngine engine = new CpuEngine("close-twice", 1, 8);
        engine.close();
        engine.close();
        assertTrue(executors("close-twice").isEmpty(), "an executor thread outlived close()");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, engine::reset);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    private static List<Thread> executors(String engineName) {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("dmactl-" + engineName + "-executor") && t.isAlive())
            .toList();
    }
}
