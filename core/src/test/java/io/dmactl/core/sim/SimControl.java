package io.dmactl.core.sim;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The knobs and counters of a simulated ring device, shared by all its channels: what a test
 * uses to inject device errors, faults, hangs and slowdowns, and to wait for the device to reach
 * a state without sleeping for a guessed time.
 */
public final class SimControl {
    /** What a {@link #writeToSourceNext} copy writes. */
    public static final byte STRAY_BYTE = (byte) 0xee;

    /** While true the device fetches nothing (descriptors stay in the ring). */
    public volatile boolean hold;
    /** Nanoseconds every op takes (a slow device). */
    public volatile long delayNanosPerOp;
    /** Execute ops of one fetch in reverse order unless a fence separates them (out-of-order completion). */
    public volatile boolean reorder = true;
    /** The next engine reset fails (the device cannot be brought back). */
    public volatile boolean failReset;
    /**
     * While non-null the engine reports this as its fatal condition (DmaEngine.fatalCondition). An
     * engine reset clears it, as a controller reset clears a healthy controller's fatal status,
     * unless {@link #fatalSurvivesReset}.
     */
    public volatile String fatalCondition;
    /** The fatal condition stays after a reset (a controller that does not recover). */
    public volatile boolean fatalSurvivesReset;
    /** How often the core asked the engine for a fatal condition. */
    public final AtomicLong fatalChecks = new AtomicLong();
    /** Device code reported with injected DEVICE_ERRORs. */
    public volatile int errorCode = 0x42;

    /** Completions the device posts on its own, never asked for (see {@link #postCompletion}). */
    final java.util.concurrent.ConcurrentLinkedQueue<long[]> unaskedCompletions = new java.util.concurrent.ConcurrentLinkedQueue<>();

    final AtomicInteger failNext = new AtomicInteger();
    final AtomicInteger faultNext = new AtomicInteger();
    final AtomicInteger hangNext = new AtomicInteger();
    final AtomicInteger writeToSourceNext = new AtomicInteger();
    final AtomicLong fetched = new AtomicLong();
    final AtomicLong executed = new AtomicLong();
    final AtomicLong doorbells = new AtomicLong();
    final AtomicLong visible = new AtomicLong();
    final AtomicLong resets = new AtomicLong();
    volatile boolean hung;

    /** The next {@code count} ops complete with DEVICE_ERROR and {@link #errorCode}, touching no memory. */
    public void failNext(int count) {
        failNext.addAndGet(count);
    }

    /** The next {@code count} ops complete with TRANSFER_FAULT, touching no memory. */
    public void faultNext(int count) {
        faultNext.addAndGet(count);
    }

    /**
     * The next {@code count} host-to-host or host-to-private copies go the wrong way: the device
     * writes {@link #STRAY_BYTE} over the source range instead of reading it (like edu with its
     * direction bit wrong), then reports SUCCESS, or TRANSFER_FAULT if the IOMMU stopped the write.
     */
    public void writeToSourceNext(int count) {
        writeToSourceNext.addAndGet(count);
    }

    /** The next op fetched never completes, and the device stops, until the engine is reset. */
    public void hangNext() {
        hangNext.incrementAndGet();
    }

    /**
     * A lying device: the next time a channel's device thread looks (even while {@link #hold}),
     * it posts completion entries for these tickets with {@code status}, all published by one
     * tail update, whether or not the tickets were ever submitted. Touches no memory.
     */
    public void postCompletion(int status, long... tickets) {
        long[] entry = new long[tickets.length + 1];
        entry[0] = status;
        System.arraycopy(tickets, 0, entry, 1, tickets.length);
        unaskedCompletions.add(entry);
    }

    /** Ops fetched from the rings so far. */
    public long fetched() {
        return fetched.get();
    }

    /** Ops executed (completed by the device) so far. */
    public long executed() {
        return executed.get();
    }

    /** Doorbell writes that published new descriptors. */
    public long doorbells() {
        return doorbells.get();
    }

    /** Descriptors published to the device by doorbells since the last reset (fetched or not). */
    public long visible() {
        return visible.get();
    }

    public long resets() {
        return resets.get();
    }

    public boolean isHung() {
        return hung;
    }

    /** Waits (bounded) until {@code condition} holds; fails the test's expectation by returning false. */
    public static boolean await(BooleanSupplier condition, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return true;
    }
}
