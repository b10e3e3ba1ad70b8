package io.dmactl.provider.ioat.model;

import io.dmactl.core.spi.CompletionInterrupt;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** One modelled MSI-X vector: a sticky pending bit and an unpark of the waiting channel owner. */
final class ModelInterrupt implements CompletionInterrupt {
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicLong raised = new AtomicLong();
    private volatile Thread waiter;

    @Override
    public boolean await(long timeoutNanos) {
        waiter = Thread.currentThread();
        try {
            if (pending.getAndSet(false)) {
                return true;
            }
            LockSupport.parkNanos(this, timeoutNanos);
            return pending.getAndSet(false);
        } finally {
            waiter = null;
        }
    }

    @Override
    public void wakeup() {
        signal();
    }

    /** The device side: the vector fired. */
    void raise() {
        raised.incrementAndGet();
        signal();
    }

    long raisedCount() {
        return raised.get();
    }

    private void signal() {
        if (!pending.getAndSet(true)) {
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }
}
