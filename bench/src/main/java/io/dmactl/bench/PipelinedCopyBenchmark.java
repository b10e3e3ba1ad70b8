package io.dmactl.bench;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;

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

import java.util.concurrent.TimeUnit;

/**
 * End-to-end pipelined rate of 64-byte copies: the submitting thread keeps up to {@link #window}
 * ops in flight, and on every invocation harvests whatever completed, then tops the ring up by at
 * most one burst of 32 with one doorbell. On the cpu engine the copies run concurrently on the
 * executor thread, so this is the engine's sustained op rate (DPDK's figure for its software
 * skeleton device is about 23 M ops/s).
 *
 * <p>Read the {@code completedOps} secondary result (completed copies per second); the primary
 * score counts invocations (harvest-and-refill rounds). Must show 0 B/op under {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class PipelinedCopyBenchmark {
    static final int OP_BYTES = 64;
    static final int BURST = 32;
    private static final int RING_SIZE = 1024;

    @Param({EngineUnderTest.CPU, EngineUnderTest.NOOP})
    public String engine;

    /** Ops kept in flight at most (at most the ring); {@code -p window=32} is the like of the runtime's 32-in-flight rows. */
    @Param({"512"})
    public int window;

    private EngineUnderTest under;
    private DmaChannel channel;
    private CompletionBatch completions;
    private CopyPair buffers;
    private long sourceAddress;
    private long destinationAddress;
    private int inFlight;
    private int nextSlot;
    private int statusBits;
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

    @Setup(Level.Trial)
    public void open() {
        under = EngineUnderTest.open(engine, RING_SIZE);
        channel = under.channel();
        completions = new CompletionBatch(BURST);
        buffers = CopyPair.allocate(under, BURST * OP_BYTES);
        sourceAddress = buffers.source().busAddress();
        destinationAddress = buffers.destination().busAddress();
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            statusBits |= Completions.await(channel, completions, inFlight);
            inFlight = 0;
            Completions.requireAllSucceeded(statusBits, "pipelined copies on " + engine);
            if (EngineUnderTest.CPU.equals(engine)) {
                buffers.requireCopied("cpu engine");
            }
        } finally {
            under.close();
        }
    }

    @Benchmark
    public int copy64Pipelined(Progress progress) {
        int done = channel.poll(completions);
        if (done > 0) {
            statusBits |= Completions.fold(completions, done);
            inFlight -= done;
            progress.completedOps += done;
        }
        int room = Math.min(BURST, window - inFlight);
        int slot = nextSlot;
        for (int i = 0; i < room; i++) {
            long offset = (long) slot * OP_BYTES;
            long ticket = channel.enqueueCopy(DmaChannel.SPACE_BUS, sourceAddress + offset,
                DmaChannel.SPACE_BUS, destinationAddress + offset, OP_BYTES, 0);
            if (ticket == DmaChannel.NO_SPACE) {
                throw new IllegalStateException(engine + ": ring full with only " + (inFlight + i) + " ops in flight");
            }
            slot = (slot + 1) & (BURST - 1);
        }
        nextSlot = slot;
        if (room > 0) {
            channel.submit();
            inFlight += room;
        }
        if (done == 0 && room == 0) {
            Completions.backOff(++emptyRounds); // window full, nothing done: let the executor have the core
        } else {
            emptyRounds = 0;
        }
        return done;
    }
}
