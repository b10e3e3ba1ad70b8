package io.dmactl.provider.cpu;

import io.dmactl.core.spi.CompletionInterrupt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The cpu engine's completion "interrupt": a sticky pending flag plus an unpark of the waiting
 * channel owner. The executor raises it each time it runs out of visible work (and at every
 * publication of completions while someone is actually waiting), so a busy owner that keeps the
 * ring fed costs it no atomic exchange at all.
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

    /**
     * Executor: after completions were published, once it found no more work. An atomic exchange,
     * so it is ordered after the publication: an owner that set {@code waiter} and then found
     * nothing pending is unparked.
     */
    void raise() {
        if ((int) PENDING.getAndSet(this, 1) == 0) {
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    /**
     * Executor: after one publication; cheap (a volatile read) unless the owner is waiting. May miss
     * an owner that just started waiting: the {@link #raise} when the executor runs out of work
     * covers that.
     */
    void raiseIfWaiting() {
        if (waiter != null) {
            raise();
        }
    }
}
