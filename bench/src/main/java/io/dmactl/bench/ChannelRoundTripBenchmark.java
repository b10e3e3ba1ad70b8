package io.dmactl.bench;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;

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

import java.util.concurrent.TimeUnit;

/**
 * The submitting thread's cost of one 64-byte copy on the channel fast path: enqueue a burst,
 * ring the doorbell once, harvest every completion of the burst, per op. This is the figure DPDK
 * quotes for dmadev (enqueue + submit + completion harvest, burst 32).
 *
 * <ul>
 * <li>{@code noop}: the device completes at submit on this thread; pure API cost (the analogue
 *     of everything staying on one core).</li>
 * <li>{@code cpu}: the real software engine; the copy runs on its executor thread, so the figure
 *     includes the hand-off to another core and back.</li>
 * </ul>
 * Must show 0 B/op under {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChannelRoundTripBenchmark {
    static final int OP_BYTES = 64;
    static final int BURST = 32;
    private static final int RING_SIZE = 1024;

    @Param({EngineUnderTest.NOOP, EngineUnderTest.CPU})
    public String engine;

    private EngineUnderTest under;
    private DmaChannel channel;
    private CompletionBatch completions;
    private CopyPair buffers;
    private long sourceAddress;
    private long destinationAddress;
    private int statusBits;
    private int nextSlot;

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
            Completions.requireAllSucceeded(statusBits, "channel round trip on " + engine);
            if (EngineUnderTest.CPU.equals(engine)) {
                buffers.requireCopied("cpu engine");
            }
        } finally {
            under.close();
        }
    }

    /** One op per doorbell; successive ops walk the 32 slots so that every destination byte gets checked. */
    @Benchmark
    public int copy64Burst1() {
        int slot = nextSlot;
        nextSlot = (slot + 1) & (BURST - 1);
        enqueue(slot, DmaChannel.FLAG_SUBMIT);
        int bits = Completions.await(channel, completions, 1);
        statusBits |= bits;
        return bits;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int copy64Burst32() {
        for (int i = 0; i < BURST; i++) {
            enqueue(i, 0);
        }
        channel.submit();
        int bits = Completions.await(channel, completions, BURST);
        statusBits |= bits;
        return bits;
    }

    private void enqueue(int slot, int flags) {
        long offset = (long) slot * OP_BYTES;
        long ticket = channel.enqueueCopy(DmaChannel.SPACE_BUS, sourceAddress + offset,
            DmaChannel.SPACE_BUS, destinationAddress + offset, OP_BYTES, flags);
        if (ticket == DmaChannel.NO_SPACE) {
            throw new IllegalStateException(engine + ": ring full with every earlier op harvested");
        }
    }
}
