package io.dmactl.provider.lsi;

import io.dmactl.core.spi.EngineContext;

/**
 * The provider options of an LSI engine, checked once at open.
 *
 * @param intx              {@value #COMPLETION}: poll (default) or intx: the INT raises legacy INTx on a
 *                          VFIO eventfd the core's worker sleeps on (QEMU's model has no MSI)
 * @param ringSize          {@value #RING_SIZE}: moves in the software ring, a power of two in
 *                          2..{@value #MAX_RING_SIZE} (default {@value #DEFAULT_RING_SIZE}); one
 *                          doorbell starts at most that many moves as one SCRIPTS chain
 * @param resetTimeoutNanos {@value #RESET_TIMEOUT_MILLIS}: how long to wait for the SCRIPTS
 *                          processor to stop at reset and close (default {@value #DEFAULT_RESET_TIMEOUT_MILLIS} ms)
 */
record LsiSettings(boolean intx, int ringSize, long resetTimeoutNanos) {
    static final String COMPLETION = "lsi.completion";
    static final String RING_SIZE = "lsi.ringSize";
    static final String RESET_TIMEOUT_MILLIS = "lsi.resetTimeoutMillis";
    static final int DEFAULT_RING_SIZE = 64;
    static final int MAX_RING_SIZE = Scripts.MAX_MOVES_PER_CHAIN;
    static final int DEFAULT_RESET_TIMEOUT_MILLIS = 1000;

    LsiSettings {
        if (ringSize < 2 || ringSize > MAX_RING_SIZE || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("option " + RING_SIZE + "=" + ringSize + " must be a power of two in 2.." + MAX_RING_SIZE);
        }
        if (resetTimeoutNanos <= 0) {
            throw new IllegalArgumentException("option " + RESET_TIMEOUT_MILLIS + "=" + resetTimeoutNanos / 1_000_000
                + " must be positive");
        }
    }

    static LsiSettings from(EngineContext context) {
        String completion = context.option(COMPLETION, "poll").strip().toLowerCase(java.util.Locale.ROOT);
        if (!completion.equals("poll") && !completion.equals("intx")) {
            throw new IllegalArgumentException("option " + COMPLETION + "=" + completion + " must be poll or intx");
        }
        int ringSize = context.intOption(RING_SIZE, DEFAULT_RING_SIZE);
        int timeoutMillis = context.intOption(RESET_TIMEOUT_MILLIS, DEFAULT_RESET_TIMEOUT_MILLIS);
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("option " + RESET_TIMEOUT_MILLIS + "=" + timeoutMillis + " must be positive");
        }
        return new LsiSettings(completion.equals("intx"), ringSize, timeoutMillis * 1_000_000L);
    }
}
