package io.dmactl.core.completion;

import io.dmactl.core.spi.CompletionInterrupt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The wait of a channel worker whose engine has no interrupts: park with a timeout, woken early
 * by clients that queued work. A sticky flag makes a wakeup that arrives before the park count.
 */
final class ParkingWaiter implements CompletionInterrupt {
    private static final VarHandle SIGNALLED;

    static {
        try {
            SIGNALLED = MethodHandles.lookup().findVarHandle(ParkingWaiter.class, "signalled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile Thread owner;
    @SuppressWarnings("unused") // accessed through SIGNALLED
    private volatile int signalled;

    void bind(Thread thread) {
        owner = thread;
    }

    @Override
    public boolean await(long timeoutNanos) {
        if ((int) SIGNALLED.getAndSet(this, 0) == 1) {
            return true;
        }
        LockSupport.parkNanos(this, timeoutNanos);
        return (int) SIGNALLED.getAndSet(this, 0) == 1;
    }

    @Override
    public void wakeup() {
        if ((int) SIGNALLED.getAndSet(this, 1) == 0) {
            Thread thread = owner;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
    }
}
