package io.dmactl.core.completion;

import io.dmactl.core.CompletionHandler;
import io.dmactl.core.TransferCallback;
import io.dmactl.core.internal.InFlightGate;
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
 * <p>Fields below "worker-owned" are touched only by the thread that owns the channel. Records
 * of single transfers submitted by a thread that owned the channel come from the channel's pool
 * and go back to it once their completion was delivered (see {@link TransferPool}).
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

    // Set by init before the transfer is handed to a channel, then read-only until it ends.
    DmaOpKind op;
    int srcSpace;
    long srcAddress;
    int dstSpace;
    long dstAddress;
    long lengthBytes;
    /** The fill or compare pattern, or the CRC-32C seed in the low 32 bits. */
    long pattern;
    /** The second destination of a dualcast (see {@link #secondDestination}). */
    int dst2Space;
    long dst2Address;
    boolean fence;
    long chunkBytes;
    long createdNanos;
    private InFlightGate srcGate;
    private InFlightGate dstGate;
    private IovaMapping srcMapping;
    private IovaMapping dstMapping;
    private InFlightGate dst2Gate;
    private IovaMapping dst2Mapping;
    /** Exactly one of callback and handler is set. */
    private TransferCallback callback;
    private CompletionHandler handler;
    private long context;
    /** Taken from a channel's {@link TransferPool}: goes back there once its completion was delivered. */
    final boolean pooled;
    /** The stream this record belongs to (it goes back there once its completion was delivered), or null. */
    final StreamRecords home;

    @SuppressWarnings("unused") // inbox link, accessed through NEXT
    private volatile PendingTransfer next;
    /** Next op of the same batch (set before the batch is queued, then read-only). */
    PendingTransfer batchNext;

    // worker-owned
    long enqueuedBytes;
    int chunksOutstanding;
    int status = OpStatus.SUCCESS;
    int deviceCode;
    /** The op's result value (CRC, compare outcome) from its completion; ops with a result value are never split. */
    long resultValue;
    boolean done;
    /** A chunk was in the ring when the worker stopped without a confirmed reset: keep the resources. */
    boolean resourcesLeaked;

    /**
     * A transfer that is not pooled, built whole (tests of this package; the core uses {@link #unpooled()} and {@link #init}).
     *
     * @param op the op
     * @param srcSpace the source's space in the engine
     * @param srcAddress the source's address in that space
     * @param dstSpace the destination's space in the engine
     * @param dstAddress the destination's address in that space
     * @param lengthBytes the transfer's length in bytes
     * @param pattern the fill or compare pattern, or the CRC-32C seed; 0 for ops without one
     * @param fence true if the op starts only after every earlier op of the channel completed
     * @param chunkBytes the longest chunk the engine takes, 1..Integer.MAX_VALUE
     * @param createdNanos when the client submitted it, on the runtime's clock
     * @param srcGate    pin of the source location taken by the caller (null for none), released at the end
     * @param srcMapping IOMMU mapping reference taken by the caller (null for none), released at the end
     * @param dstGate pin of the destination location taken by the caller (null for none), released at the end
     * @param dstMapping IOMMU mapping reference of the destination (null for none), released at the end
     * @param callback whom to tell
     */
    PendingTransfer(DmaOpKind op, int srcSpace, long srcAddress, int dstSpace, long dstAddress,
                           long lengthBytes, long pattern, boolean fence, long chunkBytes, long createdNanos,
                           InFlightGate srcGate, IovaMapping srcMapping, InFlightGate dstGate, IovaMapping dstMapping,
                           TransferCallback callback) {
        this.pooled = false;
        this.home = null;
        init(op, srcSpace, srcAddress, dstSpace, dstAddress, lengthBytes, pattern, fence, chunkBytes, createdNanos,
            srcGate, srcMapping, dstGate, dstMapping);
        this.callback = callback;
    }

    /**
     * A fresh, unpooled record to {@link #init}.
     *
     * @return a new record
     */
    public static PendingTransfer unpooled() {
        return new PendingTransfer(false);
    }

    /** An empty record for a channel's pool; {@link #init} fills it. */
    static PendingTransfer forPool() {
        return new PendingTransfer(true);
    }

    /** An empty record of a stream; {@link #init} fills it. */
    static PendingTransfer forStream(StreamRecords home) {
        return new PendingTransfer(false, home);
    }

    private PendingTransfer(boolean pooled) {
        this(pooled, null);
    }

    private PendingTransfer(boolean pooled, StreamRecords home) {
        this.pooled = pooled;
        this.home = home;
    }

    /**
     * Fills the descriptor template and the resources to release (all worker-owned state starts
     * afresh); then {@link #reportTo} says whom to tell.
     *
     * @param op the op
     * @param srcSpace the source's space in the engine
     * @param srcAddress the source's address in that space
     * @param dstSpace the destination's space in the engine
     * @param dstAddress the destination's address in that space
     * @param lengthBytes the transfer's length in bytes
     * @param pattern the fill or compare pattern, or the CRC-32C seed; 0 for ops without one
     * @param fence true if the op starts only after every earlier op of the channel completed
     * @param chunkBytes the longest chunk the engine takes, 1..Integer.MAX_VALUE
     * @param createdNanos when the client submitted it, on the runtime's clock
     * @param srcGate pin of the source location taken by the caller (null for none), released at the end
     * @param srcMapping IOMMU mapping reference taken by the caller (null for none), released at the end
     * @param dstGate pin of the destination location taken by the caller (null for none), released at the end
     * @param dstMapping IOMMU mapping reference of the destination (null for none), released at the end
     * @return this record
     */
    public PendingTransfer init(DmaOpKind op, int srcSpace, long srcAddress, int dstSpace, long dstAddress,
                                long lengthBytes, long pattern, boolean fence, long chunkBytes, long createdNanos,
                                InFlightGate srcGate, IovaMapping srcMapping, InFlightGate dstGate, IovaMapping dstMapping) {
        describe(op, srcSpace, srcAddress, dstSpace, dstAddress, lengthBytes, pattern, fence, chunkBytes, createdNanos);
        this.srcGate = srcGate;
        this.srcMapping = srcMapping;
        this.dstGate = dstGate;
        this.dstMapping = dstMapping;
        this.dst2Space = 0;
        this.dst2Address = 0;
        this.dst2Gate = null;
        this.dst2Mapping = null;
        this.callback = null;
        this.handler = null;
        this.context = 0;
        this.batchNext = null;
        return this;
    }

    /** The descriptor template, and the worker-owned state afresh. */
    private void describe(DmaOpKind op, int srcSpace, long srcAddress, int dstSpace, long dstAddress, long lengthBytes,
                          long pattern, boolean fence, long chunkBytes, long createdNanos) {
        if (chunkBytes <= 0 || chunkBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("chunkBytes " + chunkBytes + " must be in 1.." + Integer.MAX_VALUE);
        }
        if (this.op != op) {
            this.op = op;
        }
        this.srcSpace = srcSpace;
        this.srcAddress = srcAddress;
        this.dstSpace = dstSpace;
        this.dstAddress = dstAddress;
        this.lengthBytes = lengthBytes;
        this.pattern = pattern;
        this.fence = fence;
        this.chunkBytes = chunkBytes;
        this.createdNanos = createdNanos;
        this.enqueuedBytes = 0;
        this.chunksOutstanding = 0;
        this.status = OpStatus.SUCCESS;
        this.deviceCode = 0;
        this.resultValue = 0;
        this.done = false;
        this.resourcesLeaked = false;
    }

    /**
     * {@link #init} for a stream's record: the stream holds the pins and mappings, so the record
     * has none to release, and its reference fields are already clear (it came back through
     * {@link #clearReferences}); only the descriptor and the worker-owned state are written.
     *
     * @param op          the operation
     * @param srcSpace    the source's address space (0 for none)
     * @param srcAddress  the source's address in it
     * @param dstSpace    the destination's address space
     * @param dstAddress  the destination's address in it
     * @param lengthBytes bytes to move
     * @param pattern     the fill pattern (0 for a copy)
     * @param chunkBytes  the most bytes one descriptor may carry
     * @return this record
     */
    public PendingTransfer initForStream(DmaOpKind op, int srcSpace, long srcAddress, int dstSpace, long dstAddress,
                                         long lengthBytes, long pattern, long chunkBytes) {
        if (home == null) {
            throw new IllegalStateException("not a stream's record");
        }
        describe(op, srcSpace, srcAddress, dstSpace, dstAddress, lengthBytes, pattern, false, chunkBytes, 0);
        return this;
    }

    /**
     * After {@link #init}: the second destination of a dualcast, with its pin and mapping
     * reference (released at the end like the others).
     *
     * @param space the second destination's space
     * @param address the second destination's address in that space
     * @param gate its pin (null for none)
     * @param mapping its mapping reference (null for none)
     * @return this record
     */
    public PendingTransfer secondDestination(int space, long address, InFlightGate gate, IovaMapping mapping) {
        this.dst2Space = space;
        this.dst2Address = address;
        this.dst2Gate = gate;
        this.dst2Mapping = mapping;
        return this;
    }

    /**
     * Whom to tell: a callback that gets a {@link io.dmactl.core.TransferResult}.
     *
     * @param callback whom to tell
     * @return this record
     */
    public PendingTransfer reportTo(TransferCallback callback) {
        this.callback = callback;
        return this;
    }

    /**
     * Whom to tell: a handler that gets {@code context} and a reused view (nothing allocated).
     *
     * @param handler the handler
     * @param context the value passed back to it
     * @return this record
     */
    public PendingTransfer reportTo(CompletionHandler handler, long context) {
        this.handler = handler;
        this.context = context;
        return this;
    }

    /** The inbox's stub node. */
    static PendingTransfer stub() {
        return new PendingTransfer(false);
    }

    /**
     * The next op of this one's batch (or of a stream's submission).
     *
     * @return the next record, or null
     */
    public PendingTransfer nextInBatch() {
        return batchNext;
    }

    /**
     * Sets when the transfer started (a stream stamps its staged transfers when it submits them).
     *
     * @param nanos the runtime clock's time
     */
    public void stampCreated(long nanos) {
        createdNanos = nanos;
    }

    /**
     * Reports {@code result} (ABORTED) for a transfer that never reached a channel, on the calling
     * thread: a stream's staged transfers when the runtime closed before they were submitted.
     *
     * @param result what to report
     */
    public void abortUnsubmitted(io.dmactl.core.TransferResult result) {
        try {
            if (handler != null) {
                handler.onComplete(context, CompletionView.of(result));
            } else if (callback != null) {
                callback.onComplete(result);
            }
        } catch (Throwable e) {
            System.getLogger(PendingTransfer.class.getName()).log(System.Logger.Level.WARNING,
                "a completion handler threw on a transfer aborted before submission", e);
        }
    }

    /**
     * Links {@code following} as the next op of this one's batch.
     *
     * @param following the next op
     */
    public void chain(PendingTransfer following) {
        batchNext = following;
    }

    /**
     * The transfer's length in bytes.
     *
     * @return the length in bytes
     */
    public long lengthBytes() {
        return lengthBytes;
    }

    TransferCallback callback() {
        return callback;
    }

    CompletionHandler handler() {
        return handler;
    }

    long context() {
        return context;
    }

    /** Drops the references a finished pooled record would otherwise keep alive. */
    void clearReferences() {
        if (home != null) {
            callback = null; // a stream's record never holds pins or mappings
            handler = null;
            batchNext = null;
            return;
        }
        srcGate = null;
        dstGate = null;
        srcMapping = null;
        dstMapping = null;
        dst2Gate = null;
        dst2Mapping = null;
        callback = null;
        handler = null;
        batchNext = null;
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
        if (dst2Gate != null) {
            dst2Gate.markPinsLeaked(reason);
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
        if (dst2Mapping != null) {
            dst2Mapping.release();
        }
        if (srcGate != null) {
            srcGate.unpin();
        }
        if (dstGate != null) {
            dstGate.unpin();
        }
        if (dst2Gate != null) {
            dst2Gate.unpin();
        }
    }
}
