package io.dmactl.provider.cpu;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.telemetry.DmactlEvents;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cpu engine's JFR events as a user sees them: opened, and the latency of every copy (sampling 1 in 1). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CpuJfrEventsTest {

    @Test
    void copiesOnTheCpuEngineAreRecorded(@TempDir Path dir) throws IOException {
        DmactlEvents.sampleEvery(1);
        Path file = dir.resolve("cpu.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dmactl.EngineOpened");
            recording.enable("dmactl.TransferLatency");
            recording.start();
            try (DmaRuntime dma = RuntimeInternals.pageSource(DmaRuntime.builder(), new ArenaPageSource(4096))
                     .poolLimitBytes(64L << 20).build();
                 DmaBuffer src = dma.allocate(1 << 20);
                 DmaBuffer dst = dma.allocate(1 << 20)) {
                for (int length : new int[] {64, 4096, 1 << 20}) {
                    assertEquals(TransferStatus.SUCCESS, dma.via("cpu").copy(src, 0, dst, 0, length).join().status());
                }
            }
            recording.stop();
            recording.dump(file);
        } finally {
            DmactlEvents.sampleEvery(1024);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        RecordedEvent opened = events.stream().filter(e -> e.getEventType().getName().equals("dmactl.EngineOpened")).findFirst()
            .orElseThrow(() -> new AssertionError("no EngineOpened among " + events.size() + " events"));
        assertEquals("cpu", opened.getString("engine"));
        assertEquals("cpu", opened.getString("provider"));
        assertEquals(2, opened.getInt("channels"));
        List<Long> lengths = events.stream().filter(e -> e.getEventType().getName().equals("dmactl.TransferLatency"))
            .peek(e -> {
                assertEquals("cpu", e.getString("engine"));
                assertEquals("COPY", e.getString("op"));
                assertEquals("SUCCESS", e.getString("status"));
                assertTrue(e.getLong("latencyNanos") > 0);
            })
            .map(e -> e.getLong("lengthBytes")).sorted().toList();
        assertEquals(List.of(64L, 4096L, (long) (1 << 20)), lengths);
    }
}
