package io.dmactl.provider.ioat;

import io.dmactl.core.spi.EngineContext;

import java.util.Locale;

/**
 * The provider options of an ioat engine, checked once at open, before any register is touched.
 *
 * @param msix          {@value #COMPLETION}: msix (default; one vector per channel) or poll
 * @param ringSize      {@value #RING_SIZE}: ops outstanding per channel, a power of two in
 *                      2..{@value #MAX_RING_SIZE} (default {@value #DEFAULT_RING_SIZE}); the
 *                      descriptor ring in DMA memory has twice as many slots
 * @param maxChannels   {@value #CHANNELS}: use at most this many of the CHANCNT channels (default all)
 * @param resetTimeoutNanos {@value #RESET_TIMEOUT_MILLIS}: how long a channel reset or the start
 *                      null descriptor may take (default {@value #DEFAULT_RESET_TIMEOUT_MILLIS} ms)
 */
record IoatSettings(boolean msix, int ringSize, int maxChannels, long resetTimeoutNanos) {
    static final String COMPLETION = "ioat.completion";
    static final String RING_SIZE = "ioat.ringSize";
    static final String CHANNELS = "ioat.channels";
    static final String RESET_TIMEOUT_MILLIS = "ioat.resetTimeoutMillis";
    static final int DEFAULT_RING_SIZE = 128;
    /** Half of DMACOUNT's 2^16 range: the hardware ring (twice this) must fit it. */
    static final int MAX_RING_SIZE = 1 << 15;
    static final int DEFAULT_RESET_TIMEOUT_MILLIS = 1000;

    IoatSettings {
        if (ringSize < 2 || ringSize > MAX_RING_SIZE || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("option " + RING_SIZE + "=" + ringSize + " must be a power of two in 2.." + MAX_RING_SIZE);
        }
        if (maxChannels < 1) {
            throw new IllegalArgumentException("option " + CHANNELS + "=" + maxChannels + " must be at least 1");
        }
        if (resetTimeoutNanos <= 0) {
            throw new IllegalArgumentException("option " + RESET_TIMEOUT_MILLIS + "=" + resetTimeoutNanos / 1_000_000 + " must be positive");
        }
    }

    static IoatSettings from(EngineContext context) {
        String completion = context.option(COMPLETION, "msix").strip().toLowerCase(Locale.ROOT);
        boolean msix = switch (completion) {
            case "msix" -> true;
            case "poll" -> false;
            default -> throw new IllegalArgumentException("option " + COMPLETION + "=" + completion + " must be msix or poll");
        };
        int ringSize = context.intOption(RING_SIZE, DEFAULT_RING_SIZE);
        int channels = context.intOption(CHANNELS, Integer.MAX_VALUE);
        int timeoutMillis = context.intOption(RESET_TIMEOUT_MILLIS, DEFAULT_RESET_TIMEOUT_MILLIS);
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("option " + RESET_TIMEOUT_MILLIS + "=" + timeoutMillis + " must be positive");
        }
        return new IoatSettings(msix, ringSize, channels, timeoutMillis * 1_000_000L);
    }
}
