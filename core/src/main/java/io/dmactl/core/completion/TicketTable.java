package io.dmactl.core.completion;

/**
 * Which transfer each outstanding ticket of a channel belongs to, and when it went to the engine.
 * Tickets are consecutive but may complete in any order, so a ticket's ring slot can be reused
 * while an older ticket is still out: an array indexed by {@code ticket & (ring - 1)} would
 * collide. This is an open-addressed table with twice the ring's capacity, linear probing from
 * {@code ticket & mask} (so in-order engines never probe) and backward-shift deletion (no
 * tombstones). While no entry sits away from its home slot (always, while the outstanding
 * tickets span fewer numbers than the table has slots) a removal just clears its slot; the
 * backward shift, which walks the rest of the probe run, runs only when entries were displaced.
 * Preallocated; nothing is allocated per op. Owner thread only.
 */
final class TicketTable {
    private final long[] tickets;
    private final long[] enqueueNanos;
    private final PendingTransfer[] transfers;
    private final int mask;
    private final int capacity;
    private int size;
    /** Entries not in their home slot ({@code ticket & mask}). */
    private int displaced;

    /** @param capacity the most tickets outstanding at once (the ring size) */
    TicketTable(int capacity) {
        int slots = Integer.highestOneBit(Math.max(1, capacity - 1)) << 2; // power of two, at least 2 x capacity
        this.tickets = new long[slots];
        this.enqueueNanos = new long[slots];
        this.transfers = new PendingTransfer[slots];
        this.mask = slots - 1;
        this.capacity = capacity;
    }

    int size() {
        return size;
    }

    /**
     * @return false if the table already holds {@code capacity} tickets or holds this one
     */
    boolean put(long ticket, PendingTransfer transfer, long nanos) {
        if (size == capacity) {
            return false;
        }
        int i = (int) ticket & mask;
        while (transfers[i] != null) {
            if (tickets[i] == ticket) {
                return false;
            }
            i = (i + 1) & mask;
        }
        tickets[i] = ticket;
        enqueueNanos[i] = nanos;
        transfers[i] = transfer;
        size++;
        if (i != ((int) ticket & mask)) {
            displaced++;
        }
        return true;
    }

    /** Removes a ticket; null if it is not outstanding. */
    PendingTransfer remove(long ticket) {
        int i = indexOf(ticket);
        if (i < 0) {
            return null;
        }
        PendingTransfer removed = transfers[i];
        if (displaced == 0) {
            transfers[i] = null; // nothing was displaced, so no probe run continues past this slot
            size--;
            return removed;
        }
        if (i != ((int) tickets[i] & mask)) {
            displaced--;
        }
        deleteAt(i);
        return removed;
    }

    boolean contains(long ticket) {
        return indexOf(ticket) >= 0;
    }

    /** When {@code ticket} went to the engine; only for an outstanding ticket. */
    long enqueueNanos(long ticket) {
        int i = indexOf(ticket);
        return i < 0 ? 0 : enqueueNanos[i];
    }

    /** The lowest outstanding ticket, or {@code Long.MAX_VALUE} when empty (reset path: scans the table). */
    long lowestTicket() {
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < transfers.length; i++) {
            if (transfers[i] != null && tickets[i] < lowest) {
                lowest = tickets[i];
            }
        }
        return lowest;
    }

    /** Empties the table, handing every transfer (one call per ticket) to {@code each}; reset path. */
    void drain(java.util.function.Consumer<PendingTransfer> each) {
        for (int i = 0; i < transfers.length; i++) {
            PendingTransfer t = transfers[i];
            if (t != null) {
                transfers[i] = null;
                size--;
                each.accept(t);
            }
        }
        displaced = 0;
    }

    private int indexOf(long ticket) {
        int i = (int) ticket & mask;
        while (transfers[i] != null) {
            if (tickets[i] == ticket) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Linear-probing deletion: pull later entries of the probe run back so lookups never stop early. */
    private void deleteAt(int hole) {
        int i = hole;
        int j = hole;
        while (true) {
            j = (j + 1) & mask;
            if (transfers[j] == null) {
                break;
            }
            int home = (int) tickets[j] & mask;
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (stays) {
                continue;
            }
            tickets[i] = tickets[j];
            enqueueNanos[i] = enqueueNanos[j];
            transfers[i] = transfers[j];
            if (home == i) {
                displaced--; // displaced from its home at j, now back in it
            }
            i = j;
        }
        transfers[i] = null;
        size--;
    }
}
