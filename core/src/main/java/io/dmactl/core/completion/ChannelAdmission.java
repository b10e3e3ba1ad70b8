package io.dmactl.core.completion;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Backpressure of one channel: at most {@link #limit()} transfers <em>pending</em> on it, that is
 * admitted and not yet completed (in the worker's inbox, stalled behind a full ring, or in the
 * ring). One permit per transfer (a batch of n ops takes n), taken by the submitting thread
 * <b>before</b> anything is pinned or mapped, given back by the channel worker when the transfer
 * completes, before its callback runs (so a callback finds the room its own transfer freed).
 *
 * <pre>
 *   client: tryAdmit(1) ── room ──> pin, map, inbox ──> worker: ring ... complete ── release(1)
 *                  └─ full ──> fail fast (tryCopy), or await(1, timeout) parked
 *                                 woken by release ───────────────────────────────┘
 *                                 or by closeAdmission (retire, runtime close) ──> check closedReason()
 * </pre>
 *
 * <p>The count is a non-fair {@link Semaphore}: admitting with room is one CAS on its state and
 * releasing is one CAS plus, only when a thread is parked, an unpark; neither locks nor
 * allocates (the waiting path allocates its queue node). The semaphore's own queue makes a
 * release and a waiter's last check of the count one atomic step each, so no wake-up is lost
 * between the worker's harvest and a client going to sleep.
 *
 * <p>A batch of more ops than the limit is admitted only into an empty channel (it takes every
 * permit, then overdraws the rest): it can never fit, and splitting it would break its fences.
 */
public final class ChannelAdmission {
    /** Permits {@link #close} adds so every waiter, present or future, gets through at once and sees why. */
    private static final int CLOSED_PERMITS = Integer.MAX_VALUE / 4;

    private final Permits permits;
    private final int limit;
    private final String channelName;
    private volatile String closedReason;

    /**
     * The admission of a channel that holds at most {@code limit} pending transfers.
     *
     * @param channelName the channel, as in messages ({@code engine/chN})
     * @param limit       most transfers pending on the channel
     */
    public ChannelAdmission(String channelName, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException(channelName + ": pending limit " + limit + " must be positive");
        }
        this.channelName = channelName;
        this.limit = limit;
        this.permits = new Permits(limit);
    }

    /**
     * Most transfers pending on this channel.
     *
     * @return the limit, in transfers
     */
    public int limit() {
        return limit;
    }

    /**
     * The channel's name, {@code engine/chN}.
     *
     * @return the name
     */
    public String channelName() {
        return channelName;
    }

    /**
     * Fast path, any thread: admits {@code ops} transfers if there is room now. Allocation-free, lock-free.
     *
     * @param ops the number of transfers (ops), at least 1
     * @return true if admitted; false if the channel is full
     */
    public boolean tryAdmit(int ops) {
        if (ops <= limit) {
            return permits.tryAcquire(ops);
        }
        if (!permits.tryAcquire(limit)) {
            return false; // an oversized batch waits for an empty channel
        }
        permits.overdraw(ops - limit);
        return true;
    }

    /**
     * Waits up to {@code timeoutNanos} for room for {@code ops} transfers, interruptibly. After a
     * true return the caller checks {@link #closedReason()}: a closed channel lets every waiter
     * through.
     *
     * @param ops the number of transfers (ops), at least 1
     * @param timeoutNanos the longest wait, in nanoseconds
     * @return true if admitted (or the channel was closed), false if the time ran out
     * @throws java.lang.InterruptedException if the thread is interrupted while it waits
     */
    public boolean await(int ops, long timeoutNanos) throws InterruptedException {
        int wanted = Math.min(ops, limit);
        if (!permits.tryAcquire(wanted, timeoutNanos, TimeUnit.NANOSECONDS)) {
            return false;
        }
        if (ops > wanted) {
            permits.overdraw(ops - wanted);
        }
        return true;
    }

    /**
     * Admits {@code ops} transfers whether or not there is room: for a channel worker thread,
     * which must never wait for its own (or another engine's) completions. The count may go past
     * the limit; clients then wait until it is back below.
     *
     * @param ops the number of transfers (ops), at least 1
     */
    public void admitOverLimit(int ops) {
        permits.overdraw(ops);
    }

    /**
     * {@code ops} admitted transfers completed, or were given back unused (their preparation failed).
     *
     * @param ops the number of transfers (ops), at least 1
     */
    public void release(int ops) {
        permits.release(ops);
    }

    /**
     * Transfers admitted and not yet completed (0 once closed).
     *
     * @return the count
     */
    public long pending() {
        long pending = (long) limit - permits.availablePermits();
        return pending < 0 ? 0 : pending;
    }

    /**
     * The channel takes no more work (engine retired or closed, runtime closing): every waiter
     * wakes now, and later ones pass at once; each sees {@code reason} in {@link #closedReason()}.
     * Idempotent.
     *
     * @param reason why, for the waiters' messages
     */
    public void close(String reason) {
        synchronized (this) {
            if (closedReason != null) {
                return;
            }
            closedReason = reason; // before the release: a waiter it lets through sees the reason
        }
        permits.release(CLOSED_PERMITS);
    }

    /**
     * Why the channel takes no more work, or null while it does.
     *
     * @return the reason, or null
     */
    public String closedReason() {
        return closedReason;
    }

    /** A semaphore whose count may be overdrawn below zero (admission past the limit). */
    private static final class Permits extends Semaphore {
        private static final long serialVersionUID = 1L;

        Permits(int permits) {
            super(permits, false);
        }

        void overdraw(int ops) {
            reducePermits(ops);
        }
    }
}
