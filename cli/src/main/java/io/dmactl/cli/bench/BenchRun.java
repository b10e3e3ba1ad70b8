package io.dmactl.cli.bench;

import io.dmactl.cli.copy.BytePattern;
import io.dmactl.cli.engines.EngineSession;
import io.dmactl.cli.location.ByteCount;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.DmaStream;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.ExclusiveChannel;
import io.dmactl.core.location.DmaBuffer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * One {@code bench} run: every engine of the session at every size (clamped to what the engine
 * takes), on the raw path (this thread owns the engine's channel) or through the runtime, then the {@code MemorySegment.copy} baseline at each size that was run, and each
 * engine's throughput as a ratio of it.
 */
public final class BenchRun {

    /**
     * @param points   one per engine and size run
     * @param baseline one per distinct size run
     * @param notes    sizes clamped or skipped, engines not measured, and why
     */
    public record Results(List<BenchPoint> points, List<BaselinePoint> baseline, List<String> notes) {
    }

    private BenchRun() {
    }

    /** A size asked for with --sizes and the size run: clamped to the engine's limits. */
    private record Size(long requestedBytes, long bytes) {
    }

    /** The sizes to run on {@code engine}, each clamped size once; notes for sizes clamped or skipped. */
    private static List<Size> sizesFor(EngineInfo engine, BenchTarget target, List<Long> sizes, List<String> notes) {
        List<Size> pairs = new ArrayList<>();
        Set<Long> done = new LinkedHashSet<>();
        for (long requested : sizes) {
            long size = target.clamp(requested);
            if (size == 0) {
                notes.add(engine.name() + ": " + ByteCount.format(requested) + " skipped: its unit is "
                        + target.unitBytes() + " bytes");
                continue;
            }
            if (size != requested) {
                notes.add(engine.name() + ": " + ByteCount.format(requested) + " clamped to " + size
                        + " bytes (" + target.direction() + " takes at most " + target.limitBytes()
                        + " bytes per op, in multiples of " + target.unitBytes() + ")");
            }
            if (done.add(size)) {
                pairs.add(new Size(requested, size));
            }
        }
        return pairs;
    }

    /** The host buffers a run with these sizes needs (two of the largest). */
    public static long bufferBytes(List<Long> sizes) {
        return sizes.stream().mapToLong(Long::longValue).max().orElse(4096);
    }

    public static Results run(EngineSession session, BenchPath path, List<Long> sizes, int batch, int depth,
                              long durationNanos, Optional<ProgressLine> progress, Consumer<String> status) {
        return run(session.runtime(), session.engines(), path, sizes, batch, depth, durationNanos, progress, status);
    }

    /**
     * @param runtime for {@link BenchPath#RAW}, built with {@code exclusiveChannels(true)}
     * @param engines the engines to measure, in order
     */
    public static Results run(DmaRuntime runtime, List<EngineInfo> engines, BenchPath path, List<Long> sizes, int batch,
                              int depth, long durationNanos, Optional<ProgressLine> progress, Consumer<String> status) {
        List<BenchPoint> points = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long bufferBytes = bufferBytes(sizes);
        try (DmaBuffer source = runtime.allocate(bufferBytes);
             DmaBuffer destination = runtime.allocate(bufferBytes)) {
            BytePattern.fill(source.segment(), 0x5EED);
            for (EngineInfo engine : engines) {
                Optional<BenchTarget> target = BenchTarget.of(engine, source, destination);
                if (target.isEmpty()) {
                    notes.add(engine.name() + ": offers neither host->host nor host->dev copies; not measured");
                    continue;
                }
                List<Size> engineSizes = sizesFor(engine, target.get(), sizes, notes);
                if (path == BenchPath.RUNTIME) {
                    EngineBench bench = new EngineBench(runtime.via(engine.name()), target.get(), batch, depth, progress);
                    for (Size size : engineSizes) {
                        status.accept(engine.name() + " " + ByteCount.format(size.bytes()));
                        points.add(bench.run(engine.name(), size.requestedBytes(), size.bytes(), durationNanos));
                    }
                    continue;
                }
                if (path == BenchPath.STREAM) {
                    try (DmaStream stream = runtime.stream().reads(target.get().source()).writes(target.get().destination())
                            .engine(engine.name()).depth(depth).open()) {
                        EngineBench bench = new EngineBench(stream, target.get(), batch, depth, progress);
                        for (Size size : engineSizes) {
                            status.accept(engine.name() + " " + ByteCount.format(size.bytes()) + " (stream)");
                            points.add(bench.run(engine.name(), size.requestedBytes(), size.bytes(), durationNanos));
                        }
                    }
                    continue;
                }
                try (ExclusiveChannel owned = runtime.claimChannel(engine.name())) {
                    int ring = owned.channel().capacity();
                    int rawDepth = Math.min(depth, ring);
                    int rawBatch = Math.min(batch, rawDepth);
                    if (rawDepth != depth || rawBatch != batch) {
                        notes.add(engine.name() + ": depth " + depth + ", batch " + batch + " clamped to depth " + rawDepth
                                + ", batch " + rawBatch + " (its ring holds " + ring + " ops)");
                    }
                    RawEngineBench bench = new RawEngineBench(owned, target.get(), source, destination, rawBatch, rawDepth,
                            progress);
                    for (Size size : engineSizes) {
                        status.accept(engine.name() + " " + ByteCount.format(size.bytes()) + " (raw)");
                        points.add(bench.run(engine.name(), size.requestedBytes(), size.bytes(), durationNanos));
                    }
                }
            }
            Set<Long> baselineSizes = new TreeSet<>();
            points.forEach(point -> baselineSizes.add(point.sizeBytes()));
            Map<Long, BaselinePoint> baseline = new TreeMap<>();
            for (long size : baselineSizes) {
                status.accept("MemorySegment.copy " + ByteCount.format(size));
                baseline.put(size, CopyBaseline.measure(source.segment(), destination.segment(), size, durationNanos));
            }
            List<BenchPoint> withRatios = new ArrayList<>();
            for (BenchPoint point : points) {
                double base = baseline.get(point.sizeBytes()).gigabytesPerSecond();
                withRatios.add(base > 0 ? point.withBaselineRatio(point.gigabytesPerSecond() / base) : point);
            }
            return new Results(withRatios, List.copyOf(baseline.values()), notes);
        }
    }
}
