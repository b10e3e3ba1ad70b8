package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;
import io.dmactl.vfio.ffi.pollfd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Linux eventfd: a 64-bit counter the kernel (VFIO, on an interrupt) or another thread adds to,
 * and a reader drains. Hand it to {@link VfioDevice#setIrqEventFds} to receive interrupts.
 *
 * <p>One thread should wait on it ({@link #read()} or {@link #await}); any thread may
 * {@link #signal()}. The buffers for these calls are allocated once, at creation.
 */
public final class EventFd implements AutoCloseable {
    private static final long COUNTER_BYTES = Long.BYTES;
    private static final short POLLIN = (short) Native.POLLIN();
    private static final long NANOS_PER_MILLI = 1_000_000;

    private final int fd;
    private final String subject;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readBuffer;
    private final MemorySegment writeBuffer;
    private final MemorySegment pollFd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EventFd(int fd) {
        this.fd = fd;
        this.subject = "eventfd " + fd;
        this.readBuffer = arena.allocate(ValueLayout.JAVA_LONG);
        this.writeBuffer = arena.allocate(ValueLayout.JAVA_LONG);
        this.writeBuffer.set(ValueLayout.JAVA_LONG, 0, 1L);
        this.pollFd = pollfd.allocate(arena);
        pollfd.fd(pollFd, fd);
        pollfd.events(pollFd, POLLIN);
    }

    /**
     * A new blocking eventfd with counter 0, closed on exec.
     *
     * @return the new eventfd; close it
     */
    public static EventFd create() {
        int fd = LibC.eventfd(0, Native.EFD_CLOEXEC());
        try {
            return new EventFd(fd);
        } catch (RuntimeException | Error e) {
            LibC.close(fd, "eventfd " + fd);
            throw e;
        }
    }

    /**
     * The file descriptor, for handing to the kernel (VFIO_DEVICE_SET_IRQS).
     *
     * @return the file descriptor
     */
    public int fd() {
        return fd;
    }

    /**
     * Blocks until the counter is non-zero, then returns it and resets it to zero.
     *
     * @return the counter's value, at least 1
     */
    public long read() {
        LibC.read(fd, readBuffer, COUNTER_BYTES, subject);
        return readBuffer.get(ValueLayout.JAVA_LONG, 0);
    }

    /**
     * Waits up to {@code timeoutNanos} for a signal. If one came, drains the counter and returns
     * true; returns false on timeout. Poll's resolution is a millisecond, so the wait is rounded up.
     *
     * @param timeoutNanos 0 to only check, otherwise how long to wait at most
     * @return true if a signal came (the counter is drained), false on timeout
     * @throws IllegalArgumentException if {@code timeoutNanos} is negative
     */
    public boolean await(long timeoutNanos) {
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("timeoutNanos " + timeoutNanos + " is negative");
        }
        long deadline = System.nanoTime() + timeoutNanos;
        long remainingNanos = timeoutNanos;
        while (true) {
            int ready = LibC.poll(pollFd, 1, toPollMillis(remainingNanos), subject);
            if (ready > 0) {
                read();
                return true;
            }
            remainingNanos = deadline - System.nanoTime();
            if (ready == 0 || remainingNanos <= 0) {
                return false;
            }
            // LibC.POLL_INTERRUPTED: a signal arrived first; wait for the rest of the time.
        }
    }

    private static int toPollMillis(long nanos) {
        long millis = nanos / NANOS_PER_MILLI + (nanos % NANOS_PER_MILLI == 0 ? 0 : 1);
        return (int) Math.min(millis, Integer.MAX_VALUE);
    }

    /** Adds 1 to the counter, waking a waiter. */
    public void signal() {
        LibC.write(fd, writeBuffer, COUNTER_BYTES, subject);
    }

    /** Closes the fd; a second call does nothing. Detach it from VFIO first. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            LibC.close(fd, subject);
        } finally {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return subject + (closed.get() ? " (closed)" : "");
    }
}
