package io.dmactl.provider.dsa;

import java.lang.foreign.MemorySegment;

/**
 * Where a channel's descriptors go: one DSA work queue as this process reaches it. In production
 * the idxd character device ({@link CdevWorkQueuePort}, {@code write(2)}); in tests a device
 * model's descriptor stream. The channel owner calls {@link #write} on the fast path.
 */
public interface WorkQueuePort extends AutoCloseable {

    /**
     * Hands the queue {@code byteCount} bytes (whole 64-byte descriptors) from {@code descriptors}
     * at {@code offsetBytes}.
     * Allocates nothing, throws nothing for a refusal.
     *
     * @param descriptors the memory holding the descriptors
     * @param offsetBytes the first descriptor's byte offset in {@code descriptors}
     * @param byteCount how many bytes, a multiple of 64
     * @return bytes taken (whole descriptors; fewer than asked when the queue filled), or
     *         {@code -errno}: {@code -EAGAIN} (11) when the queue took none because it is full
     *         (a shared queue's ENQCMDS retry), anything else when the queue is gone (disabled by
     *         the administrator, device halted on a software error)
     */
    long write(MemorySegment descriptors, long offsetBytes, long byteCount);

    /**
     * How descriptors reach the queue, for {@code dmactl info}: "write(2) on /dev/dsa/wq0.0".
     *
     * @return a description of the submission path
     */
    String submission();

    /**
     * What the device reports about a software error (SWERR) that may explain a failure, or null
     * when it reports none. Control path: called when the channel gives up on the queue.
     *
     * @return the error, or null
     */
    String softwareError();

    @Override
    void close();
}
