package io.dmactl.core.completion;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Many client threads → one channel worker: an intrusive, lock-free, unbounded MPSC queue of
 * {@link PendingTransfer} (the linked-node scheme with a stub node attributed to D. Vyukov).
 * A producer swaps itself in as the tail (one atomic exchange) and then links the previous tail
 * to itself with a release store; the consumer follows links with acquire loads.
 *
 * <p>Between a producer's exchange and its link the queue looks empty to the consumer; the
 * producer checks the worker's sleeping flag only after linking, so no wakeup is lost.
 */
final class TransferInbox {
    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(TransferInbox.class, "tail", PendingTransfer.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PendingTransfer stub = PendingTransfer.stub();
    @SuppressWarnings({"unused", "FieldMayBeFinal"}) // producers' end, accessed through TAIL
    private volatile PendingTransfer tail = stub;
    /** Consumer's end; only the worker reads or writes it. */
    private PendingTransfer head = stub;

    /** Any thread. */
    void offer(PendingTransfer node) {
        node.nextPlain(null);
        PendingTransfer previous = (PendingTransfer) TAIL.getAndSet(this, node);
        previous.nextRelease(node); // publishes node's fields, written before offer, to the consumer
    }

    /** Worker thread only: the oldest node, or null if none is fully linked yet. */
    PendingTransfer poll() {
        PendingTransfer first = head;
        PendingTransfer next = first.nextAcquire();
        if (first == stub) {
            if (next == null) {
                return null;
            }
            head = next;
            first = next;
            next = next.nextAcquire();
        }
        if (next != null) {
            head = next;
            return first;
        }
        if (first != (PendingTransfer) TAIL.getVolatile(this)) {
            return null; // a producer swapped the tail but has not linked yet
        }
        offer(stub); // re-insert the stub behind the last node so the last node can be handed out
        next = first.nextAcquire();
        if (next != null) {
            head = next;
            return first;
        }
        return null;
    }

    /** Worker thread only: true if no fully linked node is waiting. */
    boolean isEmpty() {
        return head == stub && stub.nextAcquire() == null;
    }
}
