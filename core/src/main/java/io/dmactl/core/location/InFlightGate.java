package io.dmactl.core.location;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counts the transfers in flight on a location and refuses to close it while any is.
 * One int: bit 31 = closed, bits 0..30 = in-flight count; every change is a CAS, so
 * "close" and "pin" can race without a lock and exactly one of them wins.
 */
public final class InFlightGate {
    private static final int CLOSED = 0x8000_0000;
    private static final int COUNT_MASK = 0x7fff_ffff;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(InFlightGate.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /** Registers one more transfer; false when the location is already closed. */
    public boolean tryPin() {
        while (true) {
            int current = state;
            if ((current & CLOSED) != 0) {
                return false;
            }
            if ((current & COUNT_MASK) == COUNT_MASK) {
                throw new IllegalStateException("more than " + COUNT_MASK + " transfers in flight on one location");
            }
            if (STATE.compareAndSet(this, current, current + 1)) {
                return true;
            }
        }
    }

    /** Ends one transfer registered by {@link #tryPin}. */
    public void unpin() {
        int after = (int) STATE.getAndAdd(this, -1) - 1;
        if ((after & COUNT_MASK) == COUNT_MASK) {
            throw new IllegalStateException("unpin without a matching pin");
        }
    }

    /**
     * Closes the gate if nothing is in flight.
     *
     * @return -1 if this call closed it, -2 if it was already closed, else the in-flight count
     *         that prevented closing
     */
    public int tryClose() {
        while (true) {
            int current = state;
            if ((current & CLOSED) != 0) {
                return -2;
            }
            if (current != 0) {
                return current;
            }
            if (STATE.compareAndSet(this, 0, CLOSED)) {
                return -1;
            }
        }
    }

    /** Closes regardless of transfers in flight; only after the engines that could run them are stopped. */
    public void forceClose() {
        STATE.getAndBitwiseOr(this, CLOSED);
    }

    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    public int inFlight() {
        return state & COUNT_MASK;
    }
}
