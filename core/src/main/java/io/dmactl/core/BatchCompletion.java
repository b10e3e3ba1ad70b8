package io.dmactl.core;

import io.dmactl.core.completion.ChannelWorker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.RandomAccess;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Collects a batch's results: one handler for all its ops (the op's index is the context), so a
 * batch costs one future and one result per op rather than a future per op and a tree of
 * {@code allOf} stages. Per-op futures exist only if the client asks for them
 * ({@link #futures()}), and then complete when their own op does.
 *
 * <p>Ops complete on whichever thread owns the channel; owners follow each other through the
 * channel's ownership hand-over, and the array slots are published with release stores for
 * clients that read them.
 */
final class BatchCompletion implements CompletionHandler {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    private final Object[] results;
    /** Per-op futures, made on demand; null until asked for. */
    private final Object[] futures;
    private final AtomicInteger remaining;
    private final ChannelWorker worker;
    private final DrivingFuture<List<TransferResult>> all;

    BatchCompletion(int ops, ChannelWorker worker) {
        this.results = new Object[ops];
        this.futures = new Object[ops];
        this.remaining = new AtomicInteger(ops);
        this.worker = worker;
        this.all = new DrivingFuture<>(worker);
    }

    DrivingFuture<List<TransferResult>> all() {
        return all;
    }

    @Override
    public void onComplete(long context, Completion completion) {
        int index = (int) context;
        TransferResult result = completion.toResult();
        SLOT.setRelease(results, index, result);
        VarHandle.fullFence(); // the result before reading the future slot: pairs with future(index)
        @SuppressWarnings("unchecked")
        CompletableFuture<TransferResult> future = (CompletableFuture<TransferResult>) SLOT.getAcquire(futures, index);
        if (future != null) {
            future.complete(result);
        }
        if (remaining.decrementAndGet() == 0) {
            TransferResult[] ordered = new TransferResult[results.length];
            for (int i = 0; i < ordered.length; i++) {
                ordered[i] = (TransferResult) SLOT.getAcquire(results, i);
            }
            all.complete(Collections.unmodifiableList(Arrays.asList(ordered)));
        }
    }

    /** The future of op {@code index}, made on first request; completes with the op. */
    @SuppressWarnings("unchecked")
    private CompletableFuture<TransferResult> future(int index) {
        Object existing = SLOT.getAcquire(futures, index);
        if (existing != null) {
            return (CompletableFuture<TransferResult>) existing;
        }
        DrivingFuture<TransferResult> made = new DrivingFuture<>(worker);
        Object witness = SLOT.compareAndExchange(futures, index, null, made); // volatile: ordered before the read below
        if (witness != null) {
            return (CompletableFuture<TransferResult>) witness;
        }
        TransferResult done = (TransferResult) SLOT.getVolatile(results, index);
        if (done != null) {
            made.complete(done); // completed before the future existed (or concurrently: complete is idempotent)
        }
        return made;
    }

    /** The per-op futures as an unmodifiable list, made as they are read. */
    List<CompletableFuture<TransferResult>> futures() {
        return new PerOp();
    }

    private final class PerOp extends AbstractList<CompletableFuture<TransferResult>> implements RandomAccess {
        @Override
        public CompletableFuture<TransferResult> get(int index) {
            if (index < 0 || index >= futures.length) {
                throw new IndexOutOfBoundsException("op " + index + " of a batch of " + futures.length);
            }
            return future(index);
        }

        @Override
        public int size() {
            return futures.length;
        }
    }
}
