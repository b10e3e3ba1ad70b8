package io.dmactl.provider.dsa;

import io.dmactl.core.spi.EngineContext;

import java.util.Arrays;
import java.util.List;

/**
 * The provider options of a dsa engine, checked once at open, before any queue is opened.
 *
 * @param workQueues     {@value #WORK_QUEUES}: comma-separated queue names ("wq0.0,wq1.0"); empty
 *                       (default): every enabled user queue sysfs lists, one channel each
 * @param ringSize       {@value #RING_SIZE}: ops outstanding per channel, a power of two in
 *                       2..{@value #MAX_RING_SIZE} (default {@value #DEFAULT_RING_SIZE}); a
 *                       dedicated queue caps it at its size
 * @param batchMinimum   {@value #BATCH}: the smallest run of descriptors submitted as one batch
 *                       descriptor (default {@value #DEFAULT_BATCH}); 0 turns batches off
 * @param drainTimeoutNanos {@value #DRAIN_TIMEOUT_MILLIS}: how long a reset waits for the queue
 *                       to finish what it took (default {@value #DEFAULT_DRAIN_TIMEOUT_MILLIS} ms)
 */
record DsaSettings(List<String> workQueues, int ringSize, int batchMinimum, long drainTimeoutNanos) {
    static final String WORK_QUEUES = "dsa.wq";
    static final String RING_SIZE = "dsa.ringSize";
    static final String BATCH = "dsa.batch";
    static final String DRAIN_TIMEOUT_MILLIS = "dsa.drainTimeoutMillis";
    static final int DEFAULT_RING_SIZE = 128;
    static final int MAX_RING_SIZE = 1 << 12;
    static final int DEFAULT_BATCH = 4;
    static final int DEFAULT_DRAIN_TIMEOUT_MILLIS = 1000;

    DsaSettings {
        workQueues = List.copyOf(workQueues);
        for (String wq : workQueues) {
            if (!wq.matches("wq\\d+\\.\\d+")) {
                throw new IllegalArgumentException("option " + WORK_QUEUES + " names '" + wq + "'; a queue is named wqD.Q, e.g. wq0.0");
            }
        }
        if (ringSize < 2 || ringSize > MAX_RING_SIZE || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("option " + RING_SIZE + "=" + ringSize + " must be a power of two in 2.." + MAX_RING_SIZE);
        }
        if (batchMinimum < 0 || batchMinimum == 1) {
            throw new IllegalArgumentException("option " + BATCH + "=" + batchMinimum + " must be 0 (no batches) or at least 2");
        }
        if (drainTimeoutNanos <= 0) {
            throw new IllegalArgumentException("option " + DRAIN_TIMEOUT_MILLIS + "=" + drainTimeoutNanos / 1_000_000 + " must be positive");
        }
    }

    static DsaSettings from(EngineContext context) {
        String wqs = context.option(WORK_QUEUES, "").strip();
        List<String> names = wqs.isEmpty() ? List.of() : Arrays.stream(wqs.split(",")).map(String::strip).toList();
        int timeoutMillis = context.intOption(DRAIN_TIMEOUT_MILLIS, DEFAULT_DRAIN_TIMEOUT_MILLIS);
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("option " + DRAIN_TIMEOUT_MILLIS + "=" + timeoutMillis + " must be positive");
        }
        return new DsaSettings(names, context.intOption(RING_SIZE, DEFAULT_RING_SIZE), context.intOption(BATCH, DEFAULT_BATCH),
            timeoutMillis * 1_000_000L);
    }
}
