package io.dmactl.core.spi;

import io.dmactl.vfio.EventFd;

import java.util.Objects;

/**
 * A {@link CompletionInterrupt} over a VFIO interrupt eventfd: the device's MSI/MSI-X vector adds
 * to the counter, {@link #wakeup()} adds to it from software, {@link #await} drains it.
 * The provider owns the eventfd (and closes it after detaching it from the device).
 */
public final class EventFdInterrupt implements CompletionInterrupt {
    private final EventFd eventFd;

    /**
     * An interrupt over {@code eventFd}, which the caller keeps open while the interrupt is used.
     *
     * @param eventFd the eventfd attached to the device's vector
     */
    public EventFdInterrupt(EventFd eventFd) {
        this.eventFd = Objects.requireNonNull(eventFd, "eventFd");
    }

    @Override
    public boolean await(long timeoutNanos) {
        return eventFd.await(Math.max(0, timeoutNanos));
    }

    @Override
    public void wakeup() {
        eventFd.signal();
    }

    @Override
    public String toString() {
        return "interrupt on " + eventFd;
    }
}
