package io.dmactl.core.completion;

import io.dmactl.core.TransferCallback;
import io.dmactl.core.location.InFlightGate;
import io.dmactl.core.memory.IovaMapping;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.OpStatus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One client transfer on its way through a channel worker: the descriptor template with
 * addresses already resolved into the engine's spaces, what to release when it ends (location
 * pins, IOMMU mapping references) and whom to tell. Also the node of the worker's inbox
 * (intrusive, so queueing allocates nothing more) and of its batch.
 *
 * <p>Fields below "worker-owned" are touched only by the owning channel worker.
 */
public final class PendingTransfer {
    private static final VarHandle NEXT;

    static {
        try {
            NEXT = MethodHandles.lookup().findVarHandle(PendingTransfer.class, "next", PendingTransfer.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final DmaOpKind op;
    final int srcSpace;
    final long srcAddress;
    final int dstSpace;
    final long dstAddress;
    final long lengthBytes;
    final long pattern;
    final boolean fence;
    final long chunkBytes;
    final long createdNanos;
    private final InFlightGate srcGate;
    private final InFlightGate dstGate;
    private final IovaMapping srcMapping;
    private final IovaMapping dstMapping;
    private final TransferCallback callback;

    @SuppressWarnings("unused") // inbox link, accessed through NEXT
    private volatile PendingTransfer next;
    /** Next op of the same batch (set before the batch is queued, then read-only). */
    PendingTransfer batchNext;

    // worker-owned
    long enqueuedBytes;
    int chunksOutstanding;
    int status = OpStatus.SUCCESS;
    int deviceCode;
    boolean done;
    /** A chunk was in the ring when the worker stopped without a confirmed reset: keep the resources. */
    boolean resourcesLeaked;

    /**
     * @param srcGate    pin of the source location taken by the caller (null for none), released at the end
     * @param srcMapping IOMMU mapping reference taken by the caller (null for none), released at the end
     */
    public PendingTransfer(DmaOpKind op, int srcSpace, long srcAddress, int dstSpace, long dstAddress,
                           long lengthBytes, long pattern, boolean fence, long chunkBytes, long createdNanos,
                           InFlightGate srcGate, IovaMapping srcMapping, InFlightGate dstGate, IovaMapping dstMapping,
                           TransferCallback callback) {
        if (chunkBytes <= 0 || chunkBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("chunkBytes " + chunkBytes + " must be in 1.." + Integer.MAX_VALUE);
        }
        this.op = op;
        this.srcSpace = srcSpace;
        this.srcAddress = srcAddress;
        this.dstSpace = dstSpace;
        this.dstAddress = dstAddress;
        this.lengthBytes = lengthBytes;
        this.pattern = pattern;
        this.fence = fence;
        this.chunkBytes = chunkBytes;
        this.createdNanos = createdNanos;
        this.srcGate = srcGate;
        this.srcMapping = srcMapping;
        this.dstGate = dstGate;
        this.dstMapping = dstMapping;
        this.callback = callback;
    }

    /** The inbox's stub node. */
    static PendingTransfer stub() {
        return new PendingTransfer(DmaOpKind.COPY, 0, 0, 0, 0, 0, 0, false, 1, 0, null, null, null, null, null);
    }

    /** Links {@code following} as the next op of this one's batch. */
    public void chain(PendingTransfer following) {
        batchNext = following;
    }

    public long lengthBytes() {
        return lengthBytes;
    }

    TransferCallback callback() {
        return callback;
    }

    PendingTransfer nextAcquire() {
        return (PendingTransfer) NEXT.getAcquire(this);
    }

    void nextRelease(PendingTransfer value) {
        NEXT.setRelease(this, value);
    }

    void nextPlain(PendingTransfer value) {
        NEXT.set(this, value);
    }

    /** Records a failure (the first one wins) and gives up on chunks not yet handed to the engine. */
    void fail(int failure, int code) {
        if (status == OpStatus.SUCCESS) {
            status = failure;
            deviceCode = code;
        }
        enqueuedBytes = lengthBytes;
    }

    /**
     * The opposite of {@link #releaseResources}, for a transfer the device may still be working on
     * although the transfer ended: the pins and mapping references stay held for good, so the
     * locations cannot be closed nor their IOVAs unmapped and reused; their gates record why.
     */
    void leakResources(String reason) {
        if (srcGate != null) {
            srcGate.markPinsLeaked(reason);
        }
        if (dstGate != null) {
            dstGate.markPinsLeaked(reason);
        }
    }

    /**
     * Unpins the locations and drops the mapping references. Also used by the submitting thread when
     * the transfer never reached a worker.
     */
    public void releaseResources() {
        if (srcMapping != null) {
            srcMapping.release();
        }
        if (dstMapping != null) {
            dstMapping.release();
        }
        if (srcGate != null) {
            srcGate.unpin();
        }
        if (dstGate != null) {
            dstGate.unpin();
        }
    }
}
