package io.dmactl.core.sim;

import io.dmactl.core.spi.CompletionInterrupt;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/** A simulated MSI: a sticky pending bit and an unpark of the waiting channel owner. */
final class SimInterrupt implements CompletionInterrupt {
    private final AtomicBoolean pending = new AtomicBoolean();
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
        raise();
    }

    void raise() {
        if (!pending.getAndSet(true)) {
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    void raiseIfWaiting() {
        if (waiter != null) {
            raise();
        }
    }
}
