package io.dmactl.core.internal;

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
    /** Why some pins will never be released (see {@link #markPinsLeaked}), or null. */
    private volatile String leakedPinsReason;

    /** An open gate with nothing in flight. */
    public InFlightGate() {
    }

    /**
     * Registers one more transfer; false when the location is already closed.
     *
     * @return true if pinned (unpin it when the transfer ends); false if the location is closed
     */
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

    /**
     * Records that pins of transfers on this location are kept for good: the transfers ended, but
     * the device they were handed to could not be confirmed stopped and may still read or write
     * the location, so their pins (and IOVA mapping references) are deliberately never released.
     * The location's close then refuses with {@code reason}; the runtime frees it when it closes.
     *
     * @param reason why the pins are kept, for the close's message
     */
    public void markPinsLeaked(String reason) {
        leakedPinsReason = reason;
    }

    /**
     * Why pins on this location are kept for good, or null when every pin will be released.
     *
     * @return the reason, or null
     */
    public String leakedPinsReason() {
        return leakedPinsReason;
    }

    /**
     * Why a location's close was refused: its pins are kept for good ({@link #leakedPinsReason}),
     * else {@code inFlightCount} transfers (what {@link #tryClose} returned) still hold it.
     *
     * @param location      the location's description, for the message
     * @param inFlightCount what {@link #tryClose} returned: the transfers in flight on it
     * @return the exception for the location's close to throw
     */
    public IllegalStateException closeRefused(String location, int inFlightCount) {
        String leaked = leakedPinsReason;
        if (leaked != null) {
            return new IllegalStateException("cannot close " + location + ": it stays pinned, deliberately: a transfer"
                + " on it was in a device's ring when the device could not be confirmed stopped, so the device may"
                + " still read or write it (" + leaked + "); the runtime frees it when it closes, unless the engine"
                + " cannot be closed either");
        }
        return new IllegalStateException("cannot close " + location + ": " + inFlightCount
            + " transfer(s) in flight on it; wait for their completion first");
    }

    /**
     * Whether the location was closed; a closed gate refuses every pin.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /**
     * The transfers pinned on the location now.
     *
     * @return the count, 0 or more
     */
    public int inFlight() {
        return state & COUNT_MASK;
    }
}
