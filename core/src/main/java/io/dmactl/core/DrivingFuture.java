package io.dmactl.core;

import io.dmactl.core.completion.ChannelWorker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A runtime future whose waits drive its channel: {@code join()} and {@code get()} first harvest
 * the channel on the waiting thread (see {@link ChannelWorker#driveUntilDone}), so a synchronous
 * copy completes without handing off to another thread; only when that takes longer than the
 * channel's spin budget does the waiter park and the channel's worker finish the work. Everything
 * else is a plain {@link CompletableFuture}; dependent stages are plain ones.
 */
class DrivingFuture<T> extends CompletableFuture<T> {
    private final ChannelWorker channel;

    DrivingFuture(ChannelWorker channel) {
        this.channel = channel;
    }

    /** Runs on the waiting thread before it drives the channel (a stream submits what it staged). */
    void beforeWait() {
    }

    @Override
    public T join() {
        beforeWait();
        channel.driveUntilDone(this);
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        beforeWait();
        channel.driveUntilDone(this);
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        long timeoutNanos = unit.toNanos(timeout);
        long start = System.nanoTime();
        beforeWait();
        channel.driveUntilDone(this, timeoutNanos);
        return super.get(Math.max(0, timeoutNanos - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    /** The future of one transfer: it is its own callback, so no lambda is made per transfer. */
    static final class OfTransfer extends DrivingFuture<TransferResult> implements TransferCallback {
        OfTransfer(ChannelWorker channel) {
            super(channel);
        }

        @Override
        public void onComplete(TransferResult result) {
            complete(result);
        }
    }
}
