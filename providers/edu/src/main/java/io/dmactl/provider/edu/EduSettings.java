package io.dmactl.provider.edu;

import io.dmactl.core.spi.EngineContext;

/**
 * The provider options of an edu engine, checked once at open.
 *
 * @param completion          {@value #COMPLETION}: msi (default), intx or poll
 * @param ringSize            {@value #RING_SIZE}: descriptors in the software ring, a power of two
 *                            in 2..{@value #MAX_RING_SIZE} (default {@value #DEFAULT_RING_SIZE})
 * @param quiesceTimeoutNanos {@value #QUIESCE_TIMEOUT_MILLIS}: how long to wait for a running DMA
 *                            or factorial when quiescing (default {@value #DEFAULT_QUIESCE_TIMEOUT_MILLIS} ms)
 */
record EduSettings(CompletionMode completion, int ringSize, long quiesceTimeoutNanos) {
    static final String COMPLETION = "edu.completion";
    static final String RING_SIZE = "edu.ringSize";
    static final String QUIESCE_TIMEOUT_MILLIS = "edu.quiesceTimeoutMillis";
    static final int DEFAULT_RING_SIZE = 64;
    static final int MAX_RING_SIZE = 4096;
    static final int DEFAULT_QUIESCE_TIMEOUT_MILLIS = 2000;

    EduSettings {
        if (ringSize < 2 || ringSize > MAX_RING_SIZE || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("option " + RING_SIZE + "=" + ringSize + " must be a power of two in 2.." + MAX_RING_SIZE);
        }
        if (quiesceTimeoutNanos <= 0) {
            throw new IllegalArgumentException("option " + QUIESCE_TIMEOUT_MILLIS + "=" + quiesceTimeoutNanos / 1_000_000
                + " must be positive");
        }
    }

    static EduSettings from(EngineContext context) {
        CompletionMode completion = CompletionMode.parse(COMPLETION, context.option(COMPLETION, CompletionMode.MSI.optionValue()));
        int ringSize = context.intOption(RING_SIZE, DEFAULT_RING_SIZE);
        int timeoutMillis = context.intOption(QUIESCE_TIMEOUT_MILLIS, DEFAULT_QUIESCE_TIMEOUT_MILLIS);
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("option " + QUIESCE_TIMEOUT_MILLIS + "=" + timeoutMillis + " must be positive");
        }
        return new EduSettings(completion, ringSize, timeoutMillis * 1_000_000L);
    }
}
