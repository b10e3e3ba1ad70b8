package io.dmactl.core.telemetry;

import io.dmactl.core.CompletionHandler;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JFR events, read back from a recording as JDK Mission Control would: a runtime over the
 * simulated device in an emulated IOMMU domain opens its engine, maps and unmaps, copies, is reset
 * by the client and by the watchdog after a fatal condition, and is retired when the condition
 * survives the reset.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DmactlEventsTest {
    private static final List<String> ALL = List.of("dmactl.EngineOpened", "dmactl.EngineReset", "dmactl.EngineRetired",
        "dmactl.WatchdogAction", "dmactl.IommuMap", "dmactl.IommuUnmap", "dmactl.TransferLatency");
    private static final String CONDITION = "sim: controller fatal status (injected)";

    @TempDir
    Path dir;

    @AfterEach
    void defaultSampling() {
        DmactlEvents.sampleEvery(DmactlEvents.DEFAULT_SAMPLE_EVERY);
    }

    private static Recording allDmactlEvents() {
        Recording recording = new Recording();
        for (String name : ALL) {
            recording.enable(name);
        }
        return recording;
    }

    private List<RecordedEvent> stopAndRead(Recording recording) throws IOException {
        recording.stop();
        Path file = dir.resolve("dmactl.jfr");
        recording.dump(file);
        recording.close();
        return RecordingFile.readAllEvents(file).stream().filter(e -> e.getEventType().getName().startsWith("dmactl.")).toList();
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    private static RecordedEvent one(List<RecordedEvent> events, String name, Predicate<RecordedEvent> matching) {
        List<RecordedEvent> found = named(events, name).stream().filter(matching).toList();
        assertEquals(1, found.size(), () -> "one " + name + " matching, got " + found + " among " + events);
        return found.getFirst();
    }

    @Test
    void theGateIsOpenOnlyWhileARecordingRuns() {
        assertFalse(JfrGate.recording(), "no recording runs yet");
        try (Recording recording = new Recording()) {
            recording.start();
            assertTrue(JfrGate.recording());
            recording.stop();
            assertFalse(JfrGate.recording());
        }
    }

    @Test
    void engineLifecycleIommuAndEverySampledTransferCarryTheirFields() throws IOException {
        DmactlEvents.sampleEvery(1);
        SimControl control = new SimControl();
        control.fatalSurvivesReset = true;
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1), control);
        Recording recording = allDmactlEvents();
        recording.start();
        String srcName;
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).opTimeout(Duration.ofSeconds(30)).build();
             DmaBuffer src = dma.allocate(8192);
             DmaBuffer dst = dma.allocate(8192)) {
            srcName = src.describe();
            for (int length : new int[] {1000, 2000, 3000}) {
                assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, dst, 0, length).join().status());
            }
            assertTrue(dma.resetEngine("sim"));

            control.hold = true;
            CompletableFuture<TransferResult> held = dma.copy(src, 0, dst, 0, 512);
            assertTrue(SimControl.await(() -> control.visible() == 1, 10_000), "the op never reached the ring");
            control.fatalCondition = CONDITION;
            assertEquals(TransferStatus.ABORTED, held.join().status());
            assertTrue(SimControl.await(() -> dma.engines().getFirst().unavailable().isPresent(), 10_000), "never retired");
        }
        List<RecordedEvent> events = stopAndRead(recording);

        RecordedEvent opened = one(events, "dmactl.EngineOpened", e -> true);
        assertEquals("sim", opened.getString("engine"));
        assertEquals("sim", opened.getString("provider"));
        assertEquals("", opened.getString("device"));
        assertEquals(1, opened.getInt("channels"));
        assertTrue(opened.getBoolean("workers"));

        for (int length : new int[] {1000, 2000, 3000}) {
            RecordedEvent latency = one(events, "dmactl.TransferLatency", e -> e.getLong("lengthBytes") == length);
            assertEquals("COPY", latency.getString("op"));
            assertEquals("sim", latency.getString("engine"));
            assertEquals("sim/ch0", latency.getString("channel"));
            assertEquals("SUCCESS", latency.getString("status"));
            assertTrue(latency.getLong("latencyNanos") > 0, latency.toString());
        }
        RecordedEvent aborted = one(events, "dmactl.TransferLatency", e -> e.getLong("lengthBytes") == 512);
        assertEquals("ABORTED", aborted.getString("status"));

        RecordedEvent byClient = one(events, "dmactl.EngineReset", e -> e.getString("reason").contains("resetEngine"));
        assertEquals("sim", byClient.getString("engine"));
        assertEquals("sim", byClient.getString("provider"));
        assertEquals(1, byClient.getLong("resets"));
        RecordedEvent watchdog = one(events, "dmactl.WatchdogAction", e -> true);
        assertEquals("sim", watchdog.getString("engine"));
        assertEquals("retire", watchdog.getString("action"), "the condition survived the reset");
        assertEquals(CONDITION, watchdog.getString("cause"));
        RecordedEvent retired = one(events, "dmactl.EngineRetired", e -> true);
        assertEquals(CONDITION, retired.getString("reason"));
        assertTrue(retired.getBoolean("ringReleased"), "the reset before it succeeded");

        // The source buffer: mapped device-read-only once (registration + transfers), unmapped at its close.
        RecordedEvent map = one(events, "dmactl.IommuMap",
            e -> e.getString("location").equals(srcName) && e.getString("access").equals("DEVICE_READS"));
        assertEquals("iommu", map.getString("domain"));
        assertEquals(8192, map.getLong("lengthBytes"));
        assertTrue(map.getLong("iova") != 0);
        assertFalse(map.getDuration().isNegative());
        RecordedEvent unmap = one(events, "dmactl.IommuUnmap", e -> e.getLong("iova") == map.getLong("iova"));
        assertEquals(8192, unmap.getLong("lengthBytes"));
        assertEquals("iommu", unmap.getString("domain"));
        assertEquals(named(events, "dmactl.IommuMap").size(), named(events, "dmactl.IommuUnmap").size(),
            "every mapping was unmapped by the close");
    }

    @Test
    void transferLatencyIsSampledOnTheHandlerPath() throws IOException {
        DmactlEvents.sampleEvery(4);
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1), new SimControl());
        Recording recording = allDmactlEvents();
        recording.start();
        int copies = 400;
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            long[] done = new long[1];
            CompletionHandler handler = (context, completion) -> done[0]++;
            for (int i = 0; i < copies; i++) {
                dma.copy(src, 0, dst, 0, 64, handler, i);
                while (done[0] <= i) {
                    dma.poll();
                }
            }
        }
        List<RecordedEvent> samples = named(stopAndRead(recording), "dmactl.TransferLatency");
        // One in 4 at random: 100 expected; outside 30..200 has a probability below 1e-20.
        assertTrue(samples.size() >= 30 && samples.size() <= 200, samples.size() + " samples of " + copies);
        assertTrue(samples.stream().allMatch(e -> e.getLong("lengthBytes") == 64));
    }

    @Test
    void aRecordingThatDoesNotEnableThemGetsNoDmactlEvents() throws IOException {
        DmactlEvents.sampleEvery(1);
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1), new SimControl());
        Recording recording = new Recording(); // dmactl's transfer and IOMMU events are off unless enabled
        recording.disable("dmactl.EngineOpened");
        recording.disable("dmactl.EngineReset");
        recording.start();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, dst).join().status());
            dma.resetEngine("sim");
        }
        assertEquals(List.of(), stopAndRead(recording));
    }
}
