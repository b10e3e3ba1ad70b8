package io.dmactl.core.completion;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The transfer records of one client stream ({@code io.dmactl.core.DmaStream}): a fixed set,
 * made when the stream opens, taken by the stream's thread and given back by whichever thread
 * delivered their completion (the stream's own poll, another polling client, or the channel's
 * worker). Nothing is allocated per transfer.
 *
 * <p>A single-producer, single-consumer ring of free records. Producers are the channel's owners
 * in turn; each takes the channel by a compare-and-set and gives it back with a release store, so
 * successive owners are ordered and act as one producer. The consumer is the stream's thread.
 * The ring holds every record at most once, so it never overflows.
 */
public final class StreamRecords {
    private static final VarHandle GIVEN;
    private static final VarHandle LEAKED_REASON;
    private static final VarHandle LEAKED_RECORDS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            GIVEN = lookup.findVarHandle(StreamRecords.class, "given", long.class);
            LEAKED_REASON = lookup.findVarHandle(StreamRecords.class, "leakedReason", String.class);
            LEAKED_RECORDS = lookup.findVarHandle(StreamRecords.class, "leakedRecords", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PendingTransfer[] ring;
    private final int mask;
    /** Records given back so far (the producers' index); release-stored after the slot. */
    @SuppressWarnings("unused") // accessed through GIVEN
    private volatile long given;
    /** Records taken so far (the consumer's index, the stream thread's alone). */
    private long taken;
    /** Set when a record's transfer ended while the device may still use its memory (see {@link #leaked}). */
    @SuppressWarnings("unused") // accessed through LEAKED_REASON
    private volatile String leakedReason;
    @SuppressWarnings("unused") // accessed through LEAKED_RECORDS
    private volatile int leakedRecords;

    /** @param records how many records (transfers in flight at most); rounded up to a power of two */
    public StreamRecords(int records) {
        if (records < 1 || records > 1 << 20) {
            throw new IllegalArgumentException("a stream holds 1.." + (1 << 20) + " transfers in flight, not " + records);
        }
        int capacity = Integer.highestOneBit(records - 1) << 1;
        capacity = Math.max(1, capacity);
        ring = new PendingTransfer[capacity];
        mask = capacity - 1;
        for (int i = 0; i < capacity; i++) {
            ring[i] = PendingTransfer.forStream(this);
        }
        GIVEN.setRelease(this, (long) capacity);
    }

    /**
     * How many records the stream has: its transfers in flight at most.
     *
     * @return a power of two
     */
    public int capacity() {
        return ring.length;
    }

    /**
     * Stream thread: a free record.
     *
     * @return the record, or null when every record is in flight
     */
    public PendingTransfer take() {
        long t = taken;
        if (t == (long) GIVEN.getAcquire(this)) {
            return null;
        }
        int slot = (int) t & mask;
        PendingTransfer record = ring[slot];
        ring[slot] = null;
        taken = t + 1;
        return record;
    }

    /**
     * Stream thread: gives back a record it took but never submitted (its preparation failed).
     *
     * @param record a record of this stream's
     */
    public void giveUnsubmitted(PendingTransfer record) {
        give(record);
    }

    /** The channel's owner: a record whose completion was delivered (or is about to be, from copied values). */
    void give(PendingTransfer record) {
        record.clearReferences();
        long g = (long) GIVEN.get(this);
        ring[(int) g & mask] = record;
        GIVEN.setRelease(this, g + 1);
    }

    /**
     * Records in flight (taken, not given back): racy from other threads, exact on the stream's thread.
     *
     * @return a count
     */
    public int inFlight() {
        return (int) (taken + ring.length - (long) GIVEN.getAcquire(this));
    }

    /**
     * The channel's owner: a record's transfer ended while the device it was handed to could not
     * be confirmed stopped. The record is not given back, and the stream keeps its pins and
     * mappings for good ({@link #leakedReason()}).
     */
    void leaked(String reason) {
        LEAKED_REASON.setRelease(this, reason);
        LEAKED_RECORDS.getAndAdd(this, 1);
    }

    /**
     * Records kept for good by {@link #leaked}: they count as in flight and never come back.
     *
     * @return a count
     */
    public int leakedRecords() {
        return (int) LEAKED_RECORDS.getAcquire(this);
    }

    /**
     * Why the stream's memory must stay pinned and mapped for good.
     *
     * @return the reason, or null
     */
    public String leakedReason() {
        return (String) LEAKED_REASON.getAcquire(this);
    }
}
