package io.dmactl.bench;

import io.dmactl.core.Completion;
import io.dmactl.core.CompletionHandler;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.DmaStream;
import io.dmactl.core.location.DmaBuffer;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * The client path run to completion: 64-byte copies through {@link DmaRuntime#copy} with one
 * {@link CompletionHandler} for all of them (a slot number as context, no lambda per op), up to
 * {@link #IN_FLIGHT} in flight, completions harvested by {@link DmaRuntime#poll()} on the
 * benchmark thread. The runtime counterpart of {@link PipelinedCopyBenchmark}: read the
 * {@code completedOps} line (copies per second). Must show 0 B/op under {@code -prof gc}:
 * pooled transfer records, a reused completion view, nothing else per op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class RuntimeCallbackBenchmark {
    static final int OP_BYTES = 64;
    static final int IN_FLIGHT = 32;

    @Param({EngineUnderTest.CPU, EngineUnderTest.NOOP})
    public String engine;

    private DmaRuntime runtime;
    private DmaBuffer source;
    private DmaBuffer destination;
    private DmaStream stream;
    private final Handler handler = new Handler();
    private long submitted;
    private int nextSlot;
    private int emptyRounds;

    /** Completed copies, reported by JMH as a rate next to the primary score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Progress {
        public long completedOps;

        @Setup(Level.Iteration)
        public void reset() {
            completedOps = 0;
        }
    }

    /**
     * One handler for every copy: counts completions and remembers any that did not succeed. It
     * runs on whichever thread owns the channel (this one in poll(), or the channel's worker if
     * this thread stalls), one at a time, so only it writes these fields.
     */
    static final class Handler implements CompletionHandler {
        long completed;
        long failed;
        String firstFailure;

        @Override
        public void onComplete(long context, Completion completion) {
            completed++;
            if (!completion.isSuccess()) {
                if (failed++ == 0) {
                    firstFailure = "slot " + context + ": " + completion;
                }
            }
        }
    }

    @Setup(Level.Trial)
    public void open() {
        runtime = EngineUnderTest.runtimeWith(engine);
        source = runtime.allocate(IN_FLIGHT * OP_BYTES);
        destination = runtime.allocate(IN_FLIGHT * OP_BYTES);
        for (long i = 0; i < source.lengthBytes(); i++) {
            source.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 29 + 3));
        }
        stream = runtime.stream().reads(source).writes(destination).engine(engine).depth(IN_FLIGHT).open();
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (submitted - handler.completed > 0 && System.nanoTime() < deadline) {
                stream.poll();
            }
            if (submitted != handler.completed) {
                throw new IllegalStateException(engine + ": " + submitted + " copies submitted, " + handler.completed
                    + " completed");
            }
            if (handler.failed > 0) {
                throw new IllegalStateException(engine + ": " + handler.failed + " copies failed; first: " + handler.firstFailure);
            }
            if (EngineUnderTest.CPU.equals(engine) && source.segment().mismatch(destination.segment()) != -1) {
                throw new IllegalStateException("cpu engine via runtime: destination differs from source at byte "
                    + source.segment().mismatch(destination.segment()));
            }
        } finally {
            stream.close();
            runtime.close();
        }
    }

    @Benchmark
    public int handler32InFlight(Progress progress) {
        return round(progress, false);
    }

    /**
     * The same loop through a {@link DmaStream}: the locations pinned and mapped once when it
     * opened, the refill staged and submitted with one doorbell, completions harvested by
     * {@link DmaStream#poll()} on this thread.
     */
    @Benchmark
    public int stream32InFlight(Progress progress) {
        return round(progress, true);
    }

    /** Harvest, then top the window up to {@link #IN_FLIGHT}: through the runtime, or staged on the stream and submitted once. */
    private int round(Progress progress, boolean viaStream) {
        long before = handler.completed;
        if (viaStream) {
            stream.poll();
        } else {
            runtime.poll();
        }
        int done = (int) (handler.completed - before);
        progress.completedOps += done;
        int room = (int) Math.max(0, IN_FLIGHT - (submitted - handler.completed));
        int slot = nextSlot;
        for (int i = 0; i < room; i++) {
            long offset = (long) slot * OP_BYTES;
            if (viaStream) {
                stream.enqueueCopy(source, offset, destination, offset, OP_BYTES, handler, slot);
            } else {
                runtime.copy(source, offset, destination, offset, OP_BYTES, handler, slot);
            }
            slot = (slot + 1) & (IN_FLIGHT - 1);
        }
        submitted += room;
        nextSlot = slot;
        if (viaStream && room > 0) {
            stream.submit(); // one doorbell for the refill
        }
        if (done == 0 && room == 0) {
            Completions.backOff(++emptyRounds); // all in flight, nothing done: let the executor have the core
        } else {
            emptyRounds = 0;
        }
        return done;
    }
}
