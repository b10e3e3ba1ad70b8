package io.dmactl.bench;

import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.provider.ioat.IoatProvider;
import io.dmactl.provider.ioat.model.IoatDeviceModel;
import io.dmactl.provider.ioat.model.IoatModelFixture;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Submit-side cost of the ioat provider's channel on the QuickData device model (issue 14): 32
 * enqueues of 64-byte copies (descriptor stores into the DMA ring) and one {@code submit()} (FENCE
 * on the last descriptor, one 16-bit DMACOUNT doorbell), per op. The completions of the previous
 * burst are harvested in a per-invocation setup, outside the measured time, so the figure is the
 * submitting thread's time only; the model's device thread does the copies meanwhile.
 *
 * <p>The doorbell is a call into the model ({@code IoatMmio.write16Release}: a volatile store, with
 * the model told not to unpark its device thread from it) instead of an uncached store to a BAR,
 * which on silicon is a posted PCIe write once per burst: the figure is the driver's side, not
 * the device's. Must show 0 B/op under {@code -prof gc} (the
 * model's thread allocates nothing in steady state either).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class IoatSubmitBenchmark {
    static final int OP_BYTES = 64;
    static final int BURST = 32;

    private EngineFixture fixture;
    private DmaChannel channel;
    private CompletionBatch completions;
    private EngineFixture.HostRegion source;
    private EngineFixture.HostRegion destination;
    private long outstanding;
    private int statusBits;

    @Setup(Level.Trial)
    public void open() {
        IoatModelFixture model = new IoatModelFixture(IoatDeviceModel.Config.defaults().withChannels(1),
            Map.of(IoatProvider.OPTION_COMPLETION, "poll", IoatProvider.OPTION_RING_SIZE, "64"));
        // The doorbell stays a store (as a posted MMIO write is for the CPU); the device thread
        // picks it up within its idle pause instead of being unparked by the submitting thread.
        model.model().wakeOnDoorbell(false);
        fixture = model;
        channel = fixture.engine().channel(0);
        completions = new CompletionBatch(64);
        source = fixture.allocateHost(BURST * OP_BYTES);
        destination = fixture.allocateHost(BURST * OP_BYTES);
        for (int i = 0; i < BURST * OP_BYTES; i++) {
            source.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
        }
    }

    /** Harvests the previous burst (not measured). */
    @Setup(Level.Invocation)
    public void harvest() {
        if (outstanding > 0) {
            statusBits |= Completions.await(channel, completions, (int) outstanding);
            outstanding = 0;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void submit64Burst32() {
        long src = source.busAddress();
        long dst = destination.busAddress();
        for (int i = 0; i < BURST; i++) {
            long offset = (long) i * OP_BYTES;
            if (channel.enqueueCopy(DmaChannel.SPACE_BUS, src + offset, DmaChannel.SPACE_BUS, dst + offset, OP_BYTES, 0)
                == DmaChannel.NO_SPACE) {
                throw new IllegalStateException("ioat model: ring full with every earlier op harvested");
            }
        }
        channel.submit();
        outstanding += BURST;
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            harvest();
            Completions.requireAllSucceeded(statusBits, "ioat model submit burst");
            if (statusBits != 1 << OpStatus.SUCCESS) {
                throw new IllegalStateException("no op was harvested");
            }
            if (MemorySegment.mismatch(source.segment(), 0, BURST * OP_BYTES, destination.segment(), 0, BURST * OP_BYTES) != -1) {
                throw new IllegalStateException("ioat model: destination differs from source");
            }
        } finally {
            fixture.close();
        }
    }
}
