package io.dmactl.bench;

import io.dmactl.core.Batch;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.DmaStream;
import io.dmactl.core.Completion;
import io.dmactl.core.CompletionHandler;
import io.dmactl.core.TransferResult;
import io.dmactl.core.location.DmaBuffer;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * For context: 64-byte copies through the convenient, thread-safe API ({@link DmaRuntime#copy}
 * returning a {@link CompletableFuture}, and {@link Batch}), i.e. dispatch, pinning, the channel
 * worker's inbox, its ring feeding and completion matching, and future completion. This path
 * allocates by design (futures, transfer records, results); the figures say how much.
 *
 * <ul>
 * <li>{@code copyFutureJoin}: one copy, wait for its future (a full round trip through the worker).</li>
 * <li>{@code copyFutures32}: 32 copies in flight, then wait for all 32.</li>
 * <li>{@code batch32}: one {@link Batch} of 32 copies (one hand-off, one doorbell), wait for all.</li>
 * </ul>
 * Engine {@code noop} completes at submit, which leaves the runtime's own cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class RuntimeCopyBenchmark {
    static final int OP_BYTES = 64;
    static final int BURST = 32;

    @Param({EngineUnderTest.CPU, EngineUnderTest.NOOP})
    public String engine;

    private DmaRuntime runtime;
    private DmaBuffer source;
    private DmaBuffer destination;
    private DmaStream stream;
    private final Counter counter = new Counter();
    private int nextSlot;
    @SuppressWarnings({"unchecked", "rawtypes"}) // generic array creation; filled with futures of TransferResult only
    private final CompletableFuture<TransferResult>[] inFlight = new CompletableFuture[BURST];

    @Setup(Level.Trial)
    public void open() {
        runtime = EngineUnderTest.runtimeWith(engine);
        source = runtime.allocate(BURST * OP_BYTES);
        destination = runtime.allocate(BURST * OP_BYTES);
        for (long i = 0; i < source.lengthBytes(); i++) {
            source.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 13 + 1));
        }
        stream = runtime.stream().reads(source).writes(destination).engine(engine).depth(BURST).open();
    }

    /** Counts a stream's completions; fails the benchmark on any that did not succeed. */
    static final class Counter implements CompletionHandler {
        long completed;

        @Override
        public void onComplete(long context, Completion completion) {
            if (!completion.isSuccess()) {
                throw new IllegalStateException("a 64-byte stream copy ended " + completion.status());
            }
            completed++;
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            if (EngineUnderTest.CPU.equals(engine) && source.segment().mismatch(destination.segment()) != -1) {
                throw new IllegalStateException("cpu engine via runtime: destination differs from source at byte "
                    + source.segment().mismatch(destination.segment()));
            }
        } finally {
            stream.close();
            runtime.close();
        }
    }

    /** Successive copies walk the 32 slots so that every destination byte gets checked. */
    @Benchmark
    public TransferResult copyFutureJoin() {
        int slot = nextSlot;
        nextSlot = (slot + 1) & (BURST - 1);
        long offset = (long) slot * OP_BYTES;
        return requireSuccess(runtime.copy(source, offset, destination, offset, OP_BYTES).join());
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public TransferResult copyFutures32() {
        return futures32(false);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public List<TransferResult> batch32() {
        Batch batch = runtime.batch();
        for (int i = 0; i < BURST; i++) {
            long offset = (long) i * OP_BYTES;
            batch.copy(source, offset, destination, offset, OP_BYTES);
        }
        List<TransferResult> results = batch.submit().all().join();
        for (TransferResult r : results) {
            requireSuccess(r);
        }
        return results;
    }

    /** 32 futures of a {@link DmaStream}: staged, submitted by the first join with one doorbell. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public TransferResult streamFutures32() {
        return futures32(true);
    }

    private TransferResult futures32(boolean viaStream) {
        for (int i = 0; i < BURST; i++) {
            long offset = (long) i * OP_BYTES;
            inFlight[i] = viaStream ? stream.enqueueCopy(source, offset, destination, offset, OP_BYTES)
                : runtime.copy(source, offset, destination, offset, OP_BYTES);
        }
        TransferResult last = null;
        for (int i = 0; i < BURST; i++) {
            last = requireSuccess(inFlight[i].join());
            inFlight[i] = null;
        }
        return last;
    }

    /** A burst of 32 on a {@link DmaStream} with one handler: one doorbell, harvested here until all 32 are done. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long streamBatch32() {
        long target = counter.completed + BURST;
        for (int i = 0; i < BURST; i++) {
            long offset = (long) i * OP_BYTES;
            stream.enqueueCopy(source, offset, destination, offset, OP_BYTES, counter, i);
        }
        stream.submit();
        int empty = 0;
        while (counter.completed < target) {
            if (stream.poll() == 0) {
                Completions.backOff(++empty);
            }
        }
        return counter.completed;
    }

    private TransferResult requireSuccess(TransferResult result) {
        if (!result.isSuccess()) {
            throw new IllegalStateException(engine + ": a 64-byte copy ended " + result.status());
        }
        return result;
    }
}
