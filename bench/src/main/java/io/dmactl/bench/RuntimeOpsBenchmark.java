package io.dmactl.bench;

import io.dmactl.core.Completion;
import io.dmactl.core.CompletionHandler;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.spi.DmaOpKind;

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
 * {@link RuntimeCallbackBenchmark} for the ops beside copy (issue #12): 64-byte compare,
 * compare-pattern, CRC-32C and dualcast on the cpu engine through the runtime's
 * {@link CompletionHandler} form, up to {@link #IN_FLIGHT} in flight, harvested by
 * {@link DmaRuntime#poll()}. Each completion's result value is checked in the handler (a compare
 * of equal ranges must say equal, a CRC must be the one computed at setup). Must show 0 B/op
 * under {@code -prof gc}: result values travel as primitives.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class RuntimeOpsBenchmark {
    static final int OP_BYTES = 64;
    static final int IN_FLIGHT = 32;
    static final long PATTERN = 0x0706050403020100L;

    @Param({"COMPARE", "COMPARE_PATTERN", "CRC32C", "DUALCAST"})
    public DmaOpKind op;

    private DmaRuntime runtime;
    private DmaBuffer a;
    private DmaBuffer b;
    private DmaBuffer c;
    private final Handler handler = new Handler();
    private long submitted;
    private int nextSlot;
    private int emptyRounds;

    /** Completed ops, reported by JMH as a rate next to the primary score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Progress {
        public long completedOps;

        @Setup(Level.Iteration)
        public void reset() {
            completedOps = 0;
        }
    }

    /** Counts completions and checks each result value against {@link #expected}. */
    static final class Handler implements CompletionHandler {
        long completed;
        long failed;
        long expected;
        boolean checkValue;
        String firstFailure;

        @Override
        public void onComplete(long context, Completion completion) {
            completed++;
            if (!completion.isSuccess() || (checkValue && completion.resultValue() != expected)) {
                if (failed++ == 0) {
                    firstFailure = "slot " + context + ": " + completion + ", expected result " + expected;
                }
            }
        }
    }

    @Setup(Level.Trial)
    public void open() {
        runtime = EngineUnderTest.runtimeWith(EngineUnderTest.CPU);
        a = runtime.allocate(IN_FLIGHT * OP_BYTES);
        b = runtime.allocate(IN_FLIGHT * OP_BYTES);
        c = runtime.allocate(IN_FLIGHT * OP_BYTES);
        for (long i = 0; i < a.lengthBytes(); i++) {
            byte value = (byte) (PATTERN >>> (8 * (i & 7))); // every slot holds the pattern: compares are equal
            a.segment().set(ValueLayout.JAVA_BYTE, i, value);
            b.segment().set(ValueLayout.JAVA_BYTE, i, value);
        }
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(a.segment().asSlice(0, OP_BYTES).asByteBuffer());
        handler.checkValue = op != DmaOpKind.DUALCAST;
        handler.expected = op == DmaOpKind.CRC32C ? crc.getValue() : DmaOpKind.COMPARE_EQUAL;
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (submitted - handler.completed > 0 && System.nanoTime() < deadline) {
                runtime.poll();
            }
            if (submitted != handler.completed || handler.failed > 0) {
                throw new IllegalStateException(op + ": " + submitted + " submitted, " + handler.completed + " completed, "
                    + handler.failed + " failed; first: " + handler.firstFailure);
            }
        } finally {
            runtime.close();
        }
    }

    @Benchmark
    public int handler32InFlight(Progress progress) {
        long before = handler.completed;
        runtime.poll();
        int done = (int) (handler.completed - before);
        progress.completedOps += done;
        int room = (int) Math.max(0, IN_FLIGHT - (submitted - handler.completed));
        int slot = nextSlot;
        for (int i = 0; i < room; i++) {
            long offset = (long) slot * OP_BYTES;
            switch (op) {
                case COMPARE -> runtime.compare(a, offset, b, offset, OP_BYTES, handler, slot);
                case COMPARE_PATTERN -> runtime.comparePattern(a, offset, OP_BYTES, PATTERN, handler, slot);
                case CRC32C -> runtime.crc32c(a, offset, OP_BYTES, 0, handler, slot);
                case DUALCAST -> runtime.dualcast(a, offset, b, offset, c, offset, OP_BYTES, handler, slot);
                case COPY, FILL -> throw new IllegalStateException(op + " is RuntimeCallbackBenchmark's");
            }
            slot = (slot + 1) & (IN_FLIGHT - 1);
        }
        submitted += room;
        nextSlot = slot;
        if (done == 0 && room == 0) {
            Completions.backOff(++emptyRounds);
        } else {
            emptyRounds = 0;
        }
        return done;
    }
}
