package io.dmactl.provider.cpu;

import io.dmactl.core.spi.CompletionInterrupt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The cpu engine's completion "interrupt": a sticky pending flag plus an unpark of the waiting
 * channel owner. The executor raises it once per drained batch (and per op while someone is
 * actually waiting), so a busy owner costs it one atomic exchange per batch, not per op.
 */
final class SoftInterrupt implements CompletionInterrupt {
    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(SoftInterrupt.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through PENDING
    private volatile int pending;
    private volatile Thread waiter;

    @Override
    public boolean await(long timeoutNanos) {
        waiter = Thread.currentThread();
        try {
            if ((int) PENDING.getAndSet(this, 0) == 1) {
                return true;
            }
            LockSupport.parkNanos(this, timeoutNanos);
            return (int) PENDING.getAndSet(this, 0) == 1;
        } finally {
            waiter = null;
        }
    }

    @Override
    public void wakeup() {
        raise();
    }

    /** Executor: after a batch of completions. */
    void raise() {
        if ((int) PENDING.getAndSet(this, 1) == 0) {
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    /** Executor: after one completion; cheap (a volatile read) unless the owner is waiting. */
    void raiseIfWaiting() {
        if (waiter != null) {
            raise();
        }
    }
}
