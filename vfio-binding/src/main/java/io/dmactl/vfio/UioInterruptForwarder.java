package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;
import io.dmactl.vfio.ffi.pollfd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * INTx of a uio_pci_generic function delivered the way VFIO delivers it, so a driver written for
 * VFIO eventfds works unchanged: one thread polls {@code /dev/uioN} (readable after each interrupt:
 * a read returns the 32-bit event count, Documentation/driver-api/uio-howto.rst) and signals the
 * trigger eventfd; a signal of the unmask eventfd clears the command register's Interrupt
 * Disable bit, which uio_pci_generic's handler set (pci_check_and_mask_intx) — the generic driver's
 * re-enable protocol. A third eventfd wakes the thread to pick up a new unmask fd or to stop.
 * Control path: the thread sleeps in poll(2) between interrupts.
 */
final class UioInterruptForwarder implements AutoCloseable {
    private static final short POLLIN = (short) Native.POLLIN();
    private static final long JOIN_MILLIS = 2000;

    private final String subject;
    private final int uioFd;
    private final EventFd trigger;
    private final Runnable unmask;
    private final EventFd wake = EventFd.create();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment fds = pollfd.allocateArray(3, arena);
    private final MemorySegment count = arena.allocate(Integer.BYTES, Integer.BYTES);
    private final Thread thread;
    private volatile EventFd unmaskFd;
    private volatile boolean stopping;

    private UioInterruptForwarder(Path uioDevice, EventFd trigger, Runnable unmask, String subject) {
        this.subject = subject + " INTx (" + uioDevice + ")";
        this.trigger = trigger;
        this.unmask = unmask;
        this.uioFd = LibC.open(uioDevice.toString(), Native.O_RDWR() | Native.O_CLOEXEC());
        this.thread = Thread.ofPlatform().daemon().name("dmactl-uio-irq " + subject).unstarted(this::run);
    }

    /** Opens {@code uioDevice} and starts forwarding its interrupts to {@code trigger}. */
    static UioInterruptForwarder start(Path uioDevice, EventFd trigger, Runnable unmask, String subject) {
        UioInterruptForwarder forwarder = new UioInterruptForwarder(uioDevice, trigger, unmask, subject);
        forwarder.thread.start();
        return forwarder;
    }

    /** From now on a signal of {@code fd} unmasks (null: none). */
    void unmaskFd(EventFd fd) {
        unmaskFd = fd;
        wake.signal();
    }

    private void run() {
        try {
            while (!stopping) {
                EventFd unmaskNow = unmaskFd;
                set(0, uioFd);
                set(1, wake.fd());
                set(2, unmaskNow == null ? -1 : unmaskNow.fd()); // poll ignores a negative fd
                if (LibC.poll(fds, 3, -1, subject) <= 0) {
                    continue; // interrupted by a signal
                }
                if (ready(1)) {
                    wake.read();
                }
                if (ready(0)) {
                    LibC.read(uioFd, count, Integer.BYTES, subject);
                    trigger.signal();
                }
                if (ready(2) && unmaskNow != null) {
                    unmaskNow.read();
                    unmask.run();
                }
            }
        } catch (RuntimeException e) {
            if (!stopping) {
                System.getLogger(UioInterruptForwarder.class.getName()).log(System.Logger.Level.ERROR,
                    subject + ": interrupt forwarding stopped", e);
            }
        }
    }

    private void set(int index, int fd) {
        MemorySegment entry = pollfd.asSlice(fds, index);
        pollfd.fd(entry, fd);
        pollfd.events(entry, POLLIN);
        pollfd.revents(entry, (short) 0);
    }

    private boolean ready(int index) {
        return (pollfd.revents(pollfd.asSlice(fds, index)) & POLLIN) != 0;
    }

    /** Stops the thread, then closes /dev/uioN; the trigger and unmask eventfds belong to the caller. */
    @Override
    public void close() {
        stopping = true;
        wake.signal();
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException(subject + ": the forwarding thread did not stop within " + JOIN_MILLIS + " ms");
        }
        try {
            LibC.close(uioFd, subject);
        } finally {
            wake.close();
            arena.close();
        }
    }
}
