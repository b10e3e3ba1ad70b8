package io.dmactl.core.telemetry;

import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.memory.DmaAccess;
import io.dmactl.core.memory.IommuDomain;
import jdk.jfr.EventType;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the core emits its JFR events (category "dmactl" in JDK Mission Control). Every method
 * starts with {@link JfrGate#recording()}, one volatile read, and returns when no recording runs:
 * no event object, no clock read, nothing else. While a recording runs, JFR decides per event type
 * whether it is enabled ({@code shouldCommit()}).
 *
 * <p>The events: {@code dmactl.EngineOpened}, {@code dmactl.EngineReset},
 * {@code dmactl.EngineRetired}, {@code dmactl.WatchdogAction} (enabled by default: rare, and
 * each one matters), {@code dmactl.IommuMap}, {@code dmactl.IommuUnmap} and
 * {@code dmactl.TransferLatency} (disabled unless a recording enables them: they can be per
 * transfer). Transfer latency is sampled: one completion in
 * {@code -Ddmactl.jfr.latencySampleEvery=N} (default {@value #DEFAULT_SAMPLE_EVERY}; 1 records
 * every one), picked at random per completion so no counter is shared between threads.
 *
 * <p>Internal: not part of dmactl's API; the event names and fields are.
 */
public final class DmactlEvents {
    static final int DEFAULT_SAMPLE_EVERY = 1024;

    private static volatile int sampleEvery = Math.max(1, Integer.getInteger("dmactl.jfr.latencySampleEvery", DEFAULT_SAMPLE_EVERY));
    /** Looked up the first time a recording runs (Flight Recorder is initialised by then). */
    private static volatile EventType latencyType;
    private static volatile EventType mapType;
    private static volatile EventType unmapType;

    private DmactlEvents() {
    }

    /**
     * Records the latency of one completion in {@code every} from now on (what
     * {@code -Ddmactl.jfr.latencySampleEvery} sets at start; 1 records every one).
     */
    public static void sampleEvery(int every) {
        if (every < 1) {
            throw new IllegalArgumentException("sample every " + every);
        }
        sampleEvery = every;
    }

    public static void engineOpened(String engine, String provider, String device, int channels, boolean workers) {
        if (!JfrGate.recording()) {
            return;
        }
        EngineOpened event = new EngineOpened();
        if (event.shouldCommit()) {
            event.engine = engine;
            event.provider = provider;
            event.device = device;
            event.channels = channels;
            event.workers = workers;
            event.commit();
        }
    }

    public static void engineReset(String engine, String provider, String device, String reason, long resets) {
        if (!JfrGate.recording()) {
            return;
        }
        EngineReset event = new EngineReset();
        if (event.shouldCommit()) {
            event.engine = engine;
            event.provider = provider;
            event.device = device;
            event.reason = reason;
            event.resets = resets;
            event.commit();
        }
    }

    public static void engineRetired(String engine, String provider, String device, String reason, boolean ringReleased) {
        if (!JfrGate.recording()) {
            return;
        }
        EngineRetired event = new EngineRetired();
        if (event.shouldCommit()) {
            event.engine = engine;
            event.provider = provider;
            event.device = device;
            event.reason = reason;
            event.ringReleased = ringReleased;
            event.commit();
        }
    }

    /** @param channel the channel that caused it, or null when the engine as a whole did */
    public static void watchdogAction(String engine, String channel, String action, String cause) {
        if (!JfrGate.recording()) {
            return;
        }
        WatchdogAction event = new WatchdogAction();
        if (event.shouldCommit()) {
            event.engine = engine;
            event.channel = channel == null ? "" : channel;
            event.action = action;
            event.cause = cause;
            event.commit();
        }
    }

    /**
     * Before an IOMMU map call. @return the started event for {@link #mapped}, or null (no
     * recording, or the event is disabled)
     */
    public static Object beginMap() {
        if (!JfrGate.recording()) {
            return null;
        }
        EventType type = mapType;
        if (type == null) {
            type = mapType = EventType.getEventType(IommuMap.class);
        }
        if (!type.isEnabled()) {
            return null; // a recording runs, this event is off in it: no event object
        }
        IommuMap event = new IommuMap();
        event.begin();
        return event;
    }

    /** After a successful map call: commits what {@link #beginMap} started (nothing for null). */
    public static void mapped(Object started, IommuDomain domain, long iova, long lengthBytes, DmaAccess access,
                              DmaLocation location) {
        if (started instanceof IommuMap event) {
            event.end();
            if (event.shouldCommit()) {
                event.domain = domain.name();
                event.iova = iova;
                event.lengthBytes = lengthBytes;
                event.access = access.name();
                event.location = location.describe();
                event.commit();
            }
        }
    }

    /** Before an IOMMU unmap call; see {@link #beginMap}. */
    public static Object beginUnmap() {
        if (!JfrGate.recording()) {
            return null;
        }
        EventType type = unmapType;
        if (type == null) {
            type = unmapType = EventType.getEventType(IommuUnmap.class);
        }
        if (!type.isEnabled()) {
            return null;
        }
        IommuUnmap event = new IommuUnmap();
        event.begin();
        return event;
    }

    /** After a successful unmap call. */
    public static void unmapped(Object started, IommuDomain domain, long iova, long lengthBytes) {
        if (started instanceof IommuUnmap event) {
            event.end();
            if (event.shouldCommit()) {
                event.domain = domain.name();
                event.iova = iova;
                event.lengthBytes = lengthBytes;
                event.commit();
            }
        }
    }

    /**
     * A transfer completed (on the thread that harvested it). Free while no recording runs (one
     * volatile read); while one runs but the event is disabled, two more loads; when enabled, a
     * thread-local random draw, and an event for one completion in {@code sampleEvery}.
     */
    public static void transferCompleted(String engine, String channel, Object op, long lengthBytes, long latencyNanos,
                                         Object status) {
        if (!JfrGate.recording()) {
            return;
        }
        EventType type = latencyType;
        if (type == null) {
            type = latencyType = EventType.getEventType(TransferLatency.class);
        }
        if (!type.isEnabled()) {
            return;
        }
        int every = sampleEvery;
        if (every > 1 && ThreadLocalRandom.current().nextInt(every) != 0) {
            return;
        }
        TransferLatency event = new TransferLatency();
        if (event.shouldCommit()) {
            event.op = String.valueOf(op);
            event.engine = engine;
            event.channel = channel;
            event.lengthBytes = lengthBytes;
            event.latencyNanos = latencyNanos;
            event.status = String.valueOf(status);
            event.commit();
        }
    }
}
