package io.dmactl.core.spi;

import io.dmactl.vfio.EventFd;
import io.dmactl.vfio.VfioDevice;

import java.util.Objects;

/**
 * Interrupt vectors of one VFIO IRQ index (e.g. {@link VfioDevice#MSIX}) on eventfds, one
 * {@link EventFdInterrupt} each: the set a provider enables for its channels and detaches and
 * closes again as one.
 */
public final class EventFdVectors implements AutoCloseable {
    private final VfioDevice device;
    private final int irqIndex;
    private final EventFd[] eventFds;
    private final CompletionInterrupt[] interrupts;
    private boolean closed;

    private EventFdVectors(VfioDevice device, int irqIndex, EventFd[] eventFds, CompletionInterrupt[] interrupts) {
        this.device = device;
        this.irqIndex = irqIndex;
        this.eventFds = eventFds;
        this.interrupts = interrupts;
    }

    /**
     * Attaches {@code count} new eventfds to vectors 0..count-1 of {@code irqIndex}; on failure
     * closes what it made and throws.
     *
     * @param device the open device
     * @param irqIndex the VFIO interrupt index (MSI or MSI-X)
     * @param count the number of vectors, at least 1
     * @return the enabled vectors; close them before the device
     */
    public static EventFdVectors enable(VfioDevice device, int irqIndex, int count) {
        Objects.requireNonNull(device, "device");
        if (count < 1) {
            throw new IllegalArgumentException("vector count " + count + " must be at least 1");
        }
        EventFd[] fds = new EventFd[count];
        CompletionInterrupt[] interrupts = new CompletionInterrupt[count];
        try {
            for (int i = 0; i < count; i++) {
                fds[i] = EventFd.create();
                interrupts[i] = new EventFdInterrupt(fds[i]);
            }
            device.setIrqEventFds(irqIndex, 0, fds);
        } catch (RuntimeException e) {
            for (EventFd fd : fds) {
                if (fd != null) {
                    fd.close();
                }
            }
            throw e;
        }
        return new EventFdVectors(device, irqIndex, fds, interrupts);
    }

    /**
     * One interrupt per vector, in vector order (a copy).
     *
     * @return the interrupts
     */
    public CompletionInterrupt[] interrupts() {
        return interrupts.clone();
    }

    /** Detaches the eventfds from the device, then closes them. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            device.disableIrqs(irqIndex);
        } finally {
            for (EventFd fd : eventFds) {
                fd.close();
            }
        }
    }
}
