package io.dmactl.cli.bench;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.core.Batch;
import io.dmactl.core.Completion;
import io.dmactl.core.CompletionHandler;
import io.dmactl.core.DmaStream;
import io.dmactl.core.DmaTransfers;
import io.dmactl.core.TransferCallback;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * Measures one engine at one size through the runtime's callback API (the runtime hands out no
 * channels): keeps {@code depth} ops in flight, {@code batch} of them per submission, for a
 * given time, run to completion: the bench thread submits and harvests ({@link DmaTransfers#poll()})
 * itself, so callbacks mostly run on it (the channel worker delivers what it leaves). The loop
 * itself allocates nothing per op: one callback object and one {@link LatencyHistogram} per
 * measurement, made before it starts (the runtime allocates a result per op for a
 * {@code TransferCallback}; bench/ measures the bare channel with JMH).
 */
public final class EngineBench {

    /** Ops that outlive the measured time this long are reported as a failure of the engine. */
    private static final long DRAIN_LIMIT_NANOS = 30_000_000_000L;
    private static final int SPINS = 64;
    private static final int YIELDS = 1024;
    private static final long PARK_NANOS = 20_000;

    private final DmaTransfers transfers;
    /** Set for {@link BenchPath#STREAM}: the ops go through it instead of {@link #transfers}. */
    private final DmaStream stream;
    private final BenchTarget target;
    private final int batch;
    private final int depth;
    private final Optional<ProgressLine> progress;

    public EngineBench(DmaTransfers transfers, BenchTarget target, int batch, int depth, Optional<ProgressLine> progress) {
        this(transfers, null, target, batch, depth, progress);
    }

    /** The {@link BenchPath#STREAM} path: {@code stream} reads the target's source and writes its destination. */
    public EngineBench(DmaStream stream, BenchTarget target, int batch, int depth, Optional<ProgressLine> progress) {
        this(null, stream, target, batch, depth, progress);
    }

    private EngineBench(DmaTransfers transfers, DmaStream stream, BenchTarget target, int batch, int depth,
                        Optional<ProgressLine> progress) {
        if (batch < 1 || depth < batch) {
            throw new IllegalArgumentException("batch " + batch + " and depth " + depth + ": need 1 <= batch <= depth");
        }
        this.transfers = transfers;
        this.stream = stream;
        this.target = target;
        this.batch = batch;
        this.depth = depth;
        this.progress = progress;
    }

    /**
     * Warms up for a tenth of the time (at most a second), drains, then measures.
     *
     * @throws DmactlException FAILURE when ops are still outstanding long after the time is up
     */
    public BenchPoint run(String engine, long requestedBytes, long sizeBytes, long durationNanos) {
        measure(engine, sizeBytes, Math.min(durationNanos / 10, 1_000_000_000L), new Completions(), false);
        Completions completions = new Completions();
        long elapsed = measure(engine, sizeBytes, durationNanos, completions, true);
        long ops = completions.completed.get();
        long failed = completions.failed.get();
        double seconds = elapsed / 1e9;
        LatencyHistogram latency = completions.latency;
        return new BenchPoint(engine, target.direction(), requestedBytes, sizeBytes, ops, failed, seconds,
                elapsed == 0 ? 0 : (double) (ops - failed) * sizeBytes / elapsed,
                elapsed == 0 ? 0 : ops / seconds,
                percentile(latency, 0.5), percentile(latency, 0.99), percentile(latency, 0.999), OptionalDouble.empty(),
                completions.firstFailure(), Optional.empty(), Optional.empty());
    }

    static OptionalLong percentile(LatencyHistogram histogram, double fraction) {
        long value = histogram.percentile(fraction);
        return value < 0 ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /** @return nanoseconds from the first submission to the last completion */
    private long measure(String engine, long size, long durationNanos, Completions completions, boolean show) {
        long start = System.nanoTime();
        long deadline = start + durationNanos;
        if (show) {
            progress.ifPresent(line -> line.start(engine + " " + size + " B", start, durationNanos));
        }
        long submitted = 0;
        long now = start;
        // At least one submission, however short the time: a point without ops says nothing.
        do {
            awaitInFlightAtMost(depth - batch, submitted, completions, engine, deadline + DRAIN_LIMIT_NANOS);
            submit(size, completions);
            submitted += batch;
            now = System.nanoTime();
            if (show && progress.isPresent()) {
                progress.get().update(now, completions.completed.get());
            }
        } while (now < deadline);
        awaitInFlightAtMost(0, submitted, completions, engine, deadline + DRAIN_LIMIT_NANOS);
        progress.ifPresent(ProgressLine::clear);
        return completions.lastCompletionNanos.get() - start;
    }

    private void submit(long size, Completions completions) {
        if (stream != null) {
            for (int i = 0; i < batch; i++) {
                stream.enqueueCopy(target.source(), 0, target.destination(), 0, size, completions, i);
            }
            stream.submit(); // one doorbell for the batch
            return;
        }
        if (batch == 1) {
            transfers.copy(target.source(), 0, target.destination(), 0, size, completions);
            return;
        }
        Batch ops = transfers.batch();
        for (int i = 0; i < batch; i++) {
            ops.copy(target.source(), 0, target.destination(), 0, size);
        }
        ops.submit().all().whenComplete(completions);
    }

    private void awaitInFlightAtMost(long limit, long submitted, Completions completions, String engine, long giveUpNanos) {
        int rounds = 0;
        while (submitted - completions.completed.get() > limit) {
            if ((stream != null ? stream.poll() : transfers.poll()) > 0) {
                rounds = 0; // harvested on this thread
                continue;
            }
            if (rounds < SPINS) {
                Thread.onSpinWait();
            } else if (rounds < YIELDS) {
                Thread.yield();
            } else {
                // A slow device (edu: ~100 ms per op): stop burning the core the engine may need.
                LockSupport.parkNanos(PARK_NANOS);
                if (System.nanoTime() > giveUpNanos) {
                    throw new DmactlException(ExitCodes.FAILURE, "engine " + engine + " completed only "
                            + completions.completed.get() + " of " + submitted + " ops, "
                            + DRAIN_LIMIT_NANOS / 1_000_000_000L + " s after the measured time was up");
                }
            }
            rounds++;
        }
    }

    /**
     * Where completions land, on the bench thread while it polls or on a channel worker: latency
     * into the histogram, then the count (an atomic increment, so the benchmark thread that reads
     * it sees the rest).
     */
    private static final class Completions implements TransferCallback, CompletionHandler,
            BiConsumer<List<TransferResult>, Throwable> {
        final LatencyHistogram latency = new LatencyHistogram();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong lastCompletionNanos = new AtomicLong();
        volatile String firstFailure;

        Optional<String> firstFailure() {
            return Optional.ofNullable(firstFailure);
        }

        @Override
        public void onComplete(TransferResult result) {
            count(result.status(), result.deviceCode(), result.latencyNanos(), result.reason());
        }

        /** A stream's op: the same accounting from the reused view, nothing allocated. */
        @Override
        public void onComplete(long context, Completion completion) {
            count(completion.status(), completion.deviceCode(), completion.latencyNanos(), completion.reason());
        }

        private void count(TransferStatus status, int deviceCode, long latencyNanos, Optional<String> reason) {
            if (status == TransferStatus.SUCCESS) {
                latency.record(latencyNanos);
            } else if (failed.getAndIncrement() == 0) {
                firstFailure = status + (deviceCode != 0 ? " (device code " + deviceCode + ")" : "")
                        + reason.map(why -> ": " + why).orElse("");
            }
            lastCompletionNanos.accumulateAndGet(System.nanoTime(), Math::max);
            completed.incrementAndGet();
        }

        /** A whole batch: every op's result, or the batch's failure. */
        @Override
        public void accept(List<TransferResult> results, Throwable failure) {
            if (failure != null || results == null) {
                // Cannot happen for a submitted batch (device outcomes are statuses); count it
                // as failed ops rather than hang waiting for them.
                throw new IllegalStateException("a submitted batch failed as a whole: " + failure, failure);
            }
            for (TransferResult result : results) {
                onComplete(result);
            }
        }
    }
}
