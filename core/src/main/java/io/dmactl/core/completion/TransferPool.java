package io.dmactl.core.completion;

/**
 * The transfer records of one channel, reused so that a client that owns the channel while it
 * submits allocates none: a stack that only the channel's current owner touches (taken when a
 * submitting thread holds the channel, given back when the owner delivered the completion).
 * Grows to its capacity as needed; records beyond it (more transfers pending than that) are
 * left to the garbage collector.
 */
final class TransferPool {
    private final PendingTransfer[] free;
    private int size;

    TransferPool(int capacity) {
        free = new PendingTransfer[capacity];
    }

    /** Owner only: a record to {@link PendingTransfer#init}; new when the pool is empty. */
    PendingTransfer take() {
        if (size == 0) {
            return PendingTransfer.forPool();
        }
        PendingTransfer t = free[--size];
        free[size] = null;
        return t;
    }

    /** Owner only: a pooled record whose completion was delivered and that nothing references any more. */
    void give(PendingTransfer t) {
        t.clearReferences();
        if (size < free.length) {
            free[size++] = t;
        }
    }

    int size() {
        return size;
    }
}
