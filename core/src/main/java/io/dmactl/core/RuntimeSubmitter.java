package io.dmactl.core;

import io.dmactl.core.completion.ChannelAdmission;
import io.dmactl.core.completion.ChannelWorker;
import io.dmactl.core.completion.PendingTransfer;
import io.dmactl.core.dispatch.Dispatcher;
import io.dmactl.core.dispatch.TransferShape;
import io.dmactl.core.engine.EngineHandle;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.internal.InFlightGate;
import io.dmactl.core.memory.DmaAccess;
import io.dmactl.core.memory.IovaMapping;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * The runtime's submit path: dispatch, admission (backpressure), pinning and address
 * resolution, and the hand-over to the chosen channel, which the submitting thread takes and
 * feeds itself when it is free (see {@link ChannelWorker}). Thread-safe; allocation-free for a
 * single transfer reported to a {@link CompletionHandler} while the channel has room.
 */
final class RuntimeSubmitter {
    /** How long a caller that waits for room harvests the full channel itself before it parks. */
    private static final long ADMISSION_DRIVE_NANOS = 1_000_000L;

    private final DmaRuntime runtime;
    private final Dispatcher dispatcher;
    private final List<EngineHandle> engines;
    private final LongSupplier clock;
    private final long admissionTimeoutNanos;

    RuntimeSubmitter(DmaRuntime runtime, Dispatcher dispatcher, List<EngineHandle> engines, LongSupplier clock,
                     long admissionTimeoutNanos) {
        this.runtime = runtime;
        this.dispatcher = dispatcher;
        this.engines = engines;
        this.clock = clock;
        this.admissionTimeoutNanos = admissionTimeoutNanos;
    }

    /**
     * One transfer: dispatch, admission, then, if the chosen channel is free, this thread takes it,
     * prepares the transfer in a pooled record and writes it into the ring itself (one doorbell);
     * otherwise it queues a fresh record for the channel's owner. Reports to exactly one of
     * {@code callback}, {@code handler} (with {@code context}) or, when {@code wantFuture}, the
     * returned future.
     *
     * @return the future when {@code wantFuture}, else null
     */
    DrivingFuture.OfTransfer submitOne(TransferShape shape, TransferCallback callback, CompletionHandler handler, long context,
                                       boolean wantFuture, boolean waitForRoom) {
        runtime.enterSubmitter();
        try {
            while (true) {
                EngineHandle engine = dispatcher.choose(shape, engines);
                ChannelWorker worker = engine.supervisor().leastLoadedWorker();
                if (!admit(engine, worker, 1, waitForRoom)) {
                    continue; // the engine was retired while we waited: the dispatcher no longer picks it
                }
                DrivingFuture.OfTransfer future = wantFuture ? new DrivingFuture.OfTransfer(worker) : null;
                boolean owned = worker.tryEnterForSubmit();
                PendingTransfer transfer = owned ? worker.takePooled() : PendingTransfer.unpooled();
                try {
                    prepare(transfer, shape, engine, false, clock.getAsLong()); // only admitted work is pinned
                } catch (RuntimeException e) {
                    worker.admission().release(1);
                    if (owned) {
                        worker.givePooled(transfer);
                        worker.exitClient();
                    }
                    throw e;
                }
                if (handler != null) {
                    transfer.reportTo(handler, context);
                } else {
                    transfer.reportTo(future != null ? future : callback);
                }
                if (owned) {
                    worker.submitOwnedAndExit(transfer);
                } else {
                    worker.submit(transfer, 1);
                }
                return future;
            }
        } finally {
            runtime.exitSubmitter();
        }
    }

    BatchResult submitBatch(List<TransferShape> shapes, List<Boolean> fences, boolean waitForRoom) {
        runtime.enterSubmitter();
        try {
            int ops = shapes.size();
            EngineHandle engine;
            ChannelWorker worker;
            do {
                engine = dispatcher.chooseForAll(shapes, engines);
                worker = engine.supervisor().leastLoadedWorker();
            } while (!admit(engine, worker, ops, waitForRoom));
            long now = clock.getAsLong();
            BatchCompletion completion = new BatchCompletion(ops, worker);
            PendingTransfer head = null;
            PendingTransfer last = null;
            try {
                for (int i = 0; i < ops; i++) {
                    PendingTransfer transfer = prepare(PendingTransfer.unpooled(), shapes.get(i), engine, fences.get(i), now);
                    transfer.reportTo(completion, i);
                    if (last == null) {
                        head = transfer;
                    } else {
                        last.chain(transfer);
                    }
                    last = transfer;
                }
            } catch (RuntimeException e) {
                for (PendingTransfer t = head; t != null; t = t.nextInBatch()) {
                    t.releaseResources();
                }
                worker.admission().release(ops);
                throw e;
            }
            worker.submit(head, ops);
            return BatchResult.of(completion);
        } finally {
            runtime.exitSubmitter();
        }
    }

    /**
     * Takes room for {@code ops} transfers on {@code worker}'s channel (see {@link ChannelAdmission}):
     * at once if there is room (allocation-free); else fails fast, or waits up to the admission
     * timeout, or, on a channel worker thread, which must never wait, admits over the bound.
     *
     * @return true if admitted; false if the channel closed while we waited because its engine was
     *         retired (the caller dispatches again)
     * @throws BackpressureException     if full and not waiting, on timeout, or when interrupted
     * @throws IllegalStateException     if the runtime closed while we waited
     */
    boolean admit(EngineHandle engine, ChannelWorker worker, int ops, boolean waitForRoom) {
        ChannelAdmission admission = worker.admission();
        if (admission.tryAdmit(ops)) {
            return true;
        }
        // A worker thread, or a client running callbacks of this very channel (in poll() or join()):
        // only this thread could free room on it now, so it must not wait for room.
        boolean ownsAChannel = onChannelWorkerThread() || worker.ownedByCurrentThread();
        if (!ownsAChannel && harvestForRoom(worker, admission, ops, waitForRoom ? ADMISSION_DRIVE_NANOS : 0)) {
            return true;
        }
        if (!waitForRoom) {
            throw backpressure(engine, admission, ops, "is full", null);
        }
        if (ownsAChannel) {
            admission.admitOverLimit(ops); // a completion callback: waiting here could wait for itself
            return true;
        }
        boolean admitted;
        try {
            admitted = admission.await(ops, admissionTimeoutNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw backpressure(engine, admission, ops, "was full and the thread was interrupted while waiting for room", e);
        }
        if (!admitted) {
            throw backpressure(engine, admission, ops, "had no room within the admission timeout of "
                + admissionTimeoutNanos / 1_000_000 + " ms (DmaRuntime.Builder.admissionTimeout)", null);
        }
        String closed = admission.closedReason();
        if (closed == null) {
            return true;
        }
        admission.release(ops);
        if (!runtime.open()) {
            throw new IllegalStateException("the DMA runtime was closed while this call waited for room on "
                + admission.channelName() + "; nothing of it was queued");
        }
        return false;
    }

    /**
     * A full channel: harvest it on this thread (completions free room) for up to {@code budgetNanos}
     * (at least one round) before the caller fails fast or parks; hands it to the worker if that did not help.
     */
    private static boolean harvestForRoom(ChannelWorker worker, ChannelAdmission admission, int ops, long budgetNanos) {
        long start = System.nanoTime();
        do {
            if (worker.tryDrive() < 0) {
                Thread.onSpinWait();
            }
            if (admission.tryAdmit(ops)) {
                return true;
            }
        } while (System.nanoTime() - start < budgetNanos);
        worker.requestFallback();
        return false;
    }

    private boolean onChannelWorkerThread() {
        for (int i = 0; i < engines.size(); i++) {
            if (engines.get(i).supervisor().isWorkerThread()) {
                return true;
            }
        }
        return false;
    }

    private static BackpressureException backpressure(EngineHandle engine, ChannelAdmission admission, int ops, String what,
                                                      Throwable cause) {
        String work = ops == 1 ? "a transfer" : "a batch of " + ops + " ops";
        return new BackpressureException(engine.engineName(), admission.channelName(), admission.limit(),
            "channel " + admission.channelName() + " of engine " + engine.engineName() + " " + what + ": "
                + admission.pending() + " transfer(s) pending, bound " + admission.limit()
                + " per channel (DmaRuntime.Builder.maxPendingPerChannel); " + work
                + " was refused, nothing of it was pinned, mapped or queued", cause);
    }

    /**
     * Pins every location of the transfer (source, destination, and a dualcast's second
     * destination) and resolves them into the engine's spaces; undoes everything if any step fails.
     */
    private static PendingTransfer prepare(PendingTransfer into, TransferShape shape, EngineHandle engine, boolean fence,
                                           long now) {
        DmaLocation source = shape.source();
        DmaLocation destination = shape.destination();
        DmaLocation destination2 = shape.destination2();
        InFlightGate sourceGate = source == null ? null : LocationRegistry.gateOf(source);
        InFlightGate destinationGate = LocationRegistry.gateOf(destination);
        InFlightGate destination2Gate = destination2 == null ? null : LocationRegistry.gateOf(destination2);
        pin(sourceGate, source, "source");
        try {
            pin(destinationGate, destination, "destination");
        } catch (RuntimeException e) {
            unpin(sourceGate);
            throw e;
        }
        try {
            pin(destination2Gate, destination2, "second destination");
        } catch (RuntimeException e) {
            unpin(sourceGate);
            unpin(destinationGate);
            throw e;
        }
        // Resolved in steps (mapping, then space and address) rather than as a ResolvedAddress per
        // end: nothing is allocated here whatever the JIT inlines.
        IovaMapping srcMapping = null;
        IovaMapping dstMapping = null;
        IovaMapping dst2Mapping = null;
        try {
            // Least privilege in the IOMMU: the device may only read a source, and write a destination
            // only when the op writes (a compare or CRC only reads its ranges).
            long lengthBytes = shape.lengthBytes();
            if (source != null) {
                srcMapping = engine.acquireMapping(source, shape.sourceOffset(), lengthBytes, DmaAccess.DEVICE_READS);
            }
            dstMapping = engine.acquireMapping(destination, shape.destinationOffset(), lengthBytes,
                shape.op().writesDestination() ? DmaAccess.DEVICE_WRITES : DmaAccess.DEVICE_READS);
            if (destination2 != null) {
                dst2Mapping = engine.acquireMapping(destination2, shape.destination2Offset(), lengthBytes, DmaAccess.DEVICE_WRITES);
            }
            long chunkBytes = Dispatcher.chunkBytes(shape, engine.capabilities());
            into.init(shape.op(),
                source == null ? 0 : engine.spaceOf(source),
                source == null ? 0 : engine.addressOf(source, shape.sourceOffset(), srcMapping),
                engine.spaceOf(destination), engine.addressOf(destination, shape.destinationOffset(), dstMapping),
                lengthBytes, shape.pattern(), fence, chunkBytes, now, sourceGate, srcMapping, destinationGate, dstMapping);
            if (destination2 != null) {
                into.secondDestination(engine.spaceOf(destination2),
                    engine.addressOf(destination2, shape.destination2Offset(), dst2Mapping), destination2Gate, dst2Mapping);
            }
            return into;
        } catch (RuntimeException e) {
            if (srcMapping != null) {
                srcMapping.release();
            }
            if (dstMapping != null) {
                dstMapping.release();
            }
            if (dst2Mapping != null) {
                dst2Mapping.release();
            }
            unpin(sourceGate);
            unpin(destinationGate);
            unpin(destination2Gate);
            throw e;
        }
    }

    private static void unpin(InFlightGate gate) {
        if (gate != null) {
            gate.unpin();
        }
    }

    /** Pins a location for a transfer (or a claim); refused if it is closed. */
    static void pin(InFlightGate gate, DmaLocation location, String role) {
        if (gate != null && !gate.tryPin()) {
            throw new IllegalStateException(role + " " + location.describe() + " is closed");
        }
    }

    /** {@link #poll()}, or 0 once the runtime is closed. */
    int pollIfOpen() {
        return runtime.open() ? poll() : 0;
    }

    /** See {@link DmaTransfers#poll()}: one round on every channel this thread can take. */
    private int poll() {
        int completed = 0;
        for (int e = 0; e < engines.size(); e++) {
            List<ChannelWorker> workers = engines.get(e).supervisor().workers();
            for (int w = 0; w < workers.size(); w++) {
                int n = workers.get(w).tryDrive();
                if (n > 0) {
                    completed += n;
                }
            }
        }
        return completed;
    }
}
