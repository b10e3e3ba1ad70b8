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
            long deadline = System.nanoTime() + timeoutNanos;
            while (!pending.getAndSet(false)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, left); // may return early (a stale unpark): look again
            }
            return true;
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
