package io.dmactl.provider.nvme;

import io.dmactl.core.spi.EngineContext;

import java.util.Locale;

/**
 * The provider options of an nvme engine, checked once at open, before the device is touched.
 *
 * @param channels        {@value #CHANNELS}: I/O queue pairs, one per channel (default 2)
 * @param queueDepth      {@value #QUEUE_DEPTH}: commands outstanding per channel, a power of two in
 *                        2..{@value #MAX_QUEUE_DEPTH} (default 64); each queue has one entry more
 * @param submissionQueue {@value #SQ}: {@code host} (default) or {@code cmb}
 * @param msix            {@value #COMPLETION}: {@code poll} (default) or {@code msix}
 * @param nsid            {@value #NAMESPACE}: the namespace to expose (default 1)
 * @param timeoutNanos    {@value #TIMEOUT_MILLIS}: admin commands, CSTS.RDY changes beyond CAP.TO (default 5000 ms)
 */
record NvmeSettings(int channels, int queueDepth, SubmissionQueuePlacement submissionQueue, boolean msix, int nsid,
                    long timeoutNanos) {
    static final String CHANNELS = "nvme.channels";
    static final String QUEUE_DEPTH = "nvme.queueDepth";
    static final String SQ = "nvme.sq";
    static final String COMPLETION = "nvme.completion";
    static final String NAMESPACE = "nvme.namespace";
    static final String TIMEOUT_MILLIS = "nvme.timeoutMillis";
    static final int MAX_CHANNELS = 16;
    static final int MAX_QUEUE_DEPTH = 256;

    NvmeSettings {
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new IllegalArgumentException("option " + CHANNELS + "=" + channels + " must be in 1.." + MAX_CHANNELS);
        }
        if (queueDepth < 2 || queueDepth > MAX_QUEUE_DEPTH || Integer.bitCount(queueDepth) != 1) {
            throw new IllegalArgumentException("option " + QUEUE_DEPTH + "=" + queueDepth + " must be a power of two in 2.." + MAX_QUEUE_DEPTH);
        }
        if (nsid < 1) {
            throw new IllegalArgumentException("option " + NAMESPACE + "=" + nsid + " must be a namespace id >= 1");
        }
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("option " + TIMEOUT_MILLIS + "=" + timeoutNanos / 1_000_000 + " must be positive");
        }
    }

    static NvmeSettings from(EngineContext context) {
        SubmissionQueuePlacement sq = SubmissionQueuePlacement.parse(context.option(SQ, "host"));
        String completion = context.option(COMPLETION, "poll").strip().toLowerCase(Locale.ROOT);
        if (!completion.equals("poll") && !completion.equals("msix")) {
            throw new IllegalArgumentException("option " + COMPLETION + "=" + completion + " must be poll or msix");
        }
        return new NvmeSettings(context.intOption(CHANNELS, 2), context.intOption(QUEUE_DEPTH, 64), sq,
            completion.equals("msix"), context.intOption(NAMESPACE, 1), context.intOption(TIMEOUT_MILLIS, 5000) * 1_000_000L);
    }
}
