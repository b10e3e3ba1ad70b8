package io.dmactl.bench;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.dsa.DsaProvider;
import io.dmactl.provider.dsa.model.DsaDeviceModel;
import io.dmactl.provider.dsa.model.DsaModelFixture;

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

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Submit-side cost of the dsa provider's channel on the DSA device model (issue 13), cdev path: 32
 * enqueues of 64-byte copies (descriptor stores into the ring, record status cleared) and one
 * {@code submit()}, per op. {@code batch=4}: the 32 go as one batch descriptor in one write;
 * {@code batch=0}: as one write of 32 descriptors. The model's write stands in for
 * {@code write(2)} on /dev/dsa/wqD.Q (a copy of the descriptors into the queue, no syscall), so
 * the figure is the driver's side; on silicon the syscall (or a MOVDIR64B per descriptor) comes on
 * top. The previous burst is harvested in a per-invocation setup, outside the measured time.
 * Must show 0 B/op under {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DsaSubmitBenchmark {
    static final int OP_BYTES = 64;
    static final int BURST = 32;

    @Param({"4", "0"})
    public int batch;

    private DsaModelFixture fixture;
    private DmaChannel channel;
    private CompletionBatch completions;
    private EngineFixture.HostRegion source;
    private EngineFixture.HostRegion destination;
    private long outstanding;
    private int statusBits;

    @Setup(Level.Trial)
    public void open() {
        fixture = new DsaModelFixture(DsaDeviceModel.Config.defaults(), 1,
            Map.of(DsaProvider.OPTION_RING_SIZE, "64", DsaProvider.OPTION_BATCH, Integer.toString(batch)));
        fixture.model("wq0.0").wakeOnWrite(false);
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
                throw new IllegalStateException("dsa model: ring full with every earlier op harvested");
            }
        }
        channel.submit();
        outstanding += BURST;
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            harvest();
            Completions.requireAllSucceeded(statusBits, "dsa model submit burst");
            if (statusBits != 1 << OpStatus.SUCCESS) {
                throw new IllegalStateException("no op was harvested");
            }
            if (MemorySegment.mismatch(source.segment(), 0, BURST * OP_BYTES, destination.segment(), 0, BURST * OP_BYTES) != -1) {
                throw new IllegalStateException("dsa model: destination differs from source");
            }
            if (!fixture.violations().isEmpty()) {
                throw new IllegalStateException("dsa model: " + fixture.violations());
            }
        } finally {
            fixture.close();
        }
    }
}
