package io.dmactl.bench;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;

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

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * Copy bandwidth of the cpu engine against plain {@link MemorySegment#copy} on the same pair of
 * native buffers (one source, one destination of {@code sizeBytes}, page-aligned, from the DMA
 * pool). Every benchmark here copies the whole source onto the whole destination once per op, so
 * GB/s = sizeBytes / (ns/op), and the ratio of two scores of one size is the bandwidth ratio.
 *
 * <ul>
 * <li>{@code memorySegmentCopy}: the baseline, on the benchmark thread.</li>
 * <li>{@code cpuEngineCopy}: one op at a time: enqueue, doorbell, wait for its completion (the
 *     hand-off to the executor and back is paid on every copy).</li>
 * <li>{@code cpuEngineCopyQueueDepth4}: streaming, as a DMA engine's bandwidth is quoted: four
 *     copies are always queued; each op waits for the oldest completion and queues the next one,
 *     so the hand-off overlaps the copies in flight.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class CopyBandwidthBenchmark {
    static final int QUEUE_DEPTH = 4;

    @Param({"4096", "65536", "1048576"})
    public int sizeBytes;

    private EngineUnderTest under;
    private DmaChannel channel;
    private CompletionBatch completions;
    private CopyPair buffers;
    private MemorySegment source;
    private MemorySegment destination;
    private long sourceAddress;
    private long destinationAddress;
    private CompletionBatch oneCompletion;
    private int inFlight;
    private int statusBits;

    @Setup(Level.Trial)
    public void open() {
        under = EngineUnderTest.open(EngineUnderTest.CPU, 64);
        channel = under.channel();
        completions = new CompletionBatch(QUEUE_DEPTH);
        oneCompletion = new CompletionBatch(1);
        buffers = CopyPair.allocate(under, sizeBytes);
        source = buffers.source().segment();
        destination = buffers.destination().segment();
        sourceAddress = buffers.source().busAddress();
        destinationAddress = buffers.destination().busAddress();
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            statusBits |= Completions.await(channel, completions, inFlight);
            inFlight = 0;
            Completions.requireAllSucceeded(statusBits, "cpu engine copies of " + sizeBytes + " bytes");
            buffers.requireCopied(sizeBytes + "-byte copies");
        } finally {
            under.close();
        }
    }

    @Benchmark
    public void memorySegmentCopy() {
        MemorySegment.copy(source, 0, destination, 0, sizeBytes);
    }

    @Benchmark
    public int cpuEngineCopy() {
        enqueue(DmaChannel.FLAG_SUBMIT);
        int bits = Completions.await(channel, completions, 1);
        statusBits |= bits;
        return bits;
    }

    /** One completion per op (a one-entry batch), with the queue topped up to four before each wait. */
    @Benchmark
    public int cpuEngineCopyQueueDepth4() {
        if (inFlight < QUEUE_DEPTH) {
            do {
                enqueue(0);
                inFlight++;
            } while (inFlight < QUEUE_DEPTH);
            channel.submit();
        }
        int bits = Completions.await(channel, oneCompletion, 1);
        inFlight--;
        statusBits |= bits;
        return bits;
    }

    private void enqueue(int flags) {
        long ticket = channel.enqueueCopy(DmaChannel.SPACE_BUS, sourceAddress, DmaChannel.SPACE_BUS, destinationAddress,
            sizeBytes, flags);
        if (ticket == DmaChannel.NO_SPACE) {
            throw new IllegalStateException("cpu engine: ring full with every earlier op harvested");
        }
    }
}
