package io.dmactl.cli.bench;

import io.dmactl.cli.copy.BytePattern;
import io.dmactl.cli.engines.EngineSession;
import io.dmactl.cli.location.ByteCount;
import io.dmactl.core.EngineInfo;
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
 * takes), then the {@code MemorySegment.copy} baseline at each size that was run, and each
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

    /** The host buffers a run with these sizes needs (two of the largest). */
    public static long bufferBytes(List<Long> sizes) {
        return sizes.stream().mapToLong(Long::longValue).max().orElse(4096);
    }

    public static Results run(EngineSession session, List<Long> sizes, int batch, int depth, long durationNanos,
                              Optional<ProgressLine> progress, Consumer<String> status) {
        List<BenchPoint> points = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long bufferBytes = bufferBytes(sizes);
        try (DmaBuffer source = session.runtime().allocate(bufferBytes);
             DmaBuffer destination = session.runtime().allocate(bufferBytes)) {
            BytePattern.fill(source.segment(), 0x5EED);
            for (EngineInfo engine : session.engines()) {
                Optional<BenchTarget> target = BenchTarget.of(engine, source, destination);
                if (target.isEmpty()) {
                    notes.add(engine.name() + ": offers neither host->host nor host->dev copies; not measured");
                    continue;
                }
                EngineBench bench = new EngineBench(session.runtime().via(engine.name()), target.get(), batch, depth, progress);
                Set<Long> done = new LinkedHashSet<>();
                for (long requested : sizes) {
                    long size = target.get().clamp(requested);
                    if (size == 0) {
                        notes.add(engine.name() + ": " + ByteCount.format(requested) + " skipped: its unit is "
                                + target.get().unitBytes() + " bytes");
                        continue;
                    }
                    if (size != requested) {
                        notes.add(engine.name() + ": " + ByteCount.format(requested) + " clamped to " + size
                                + " bytes (" + target.get().direction() + " takes at most " + target.get().limitBytes()
                                + " bytes per op, in multiples of " + target.get().unitBytes() + ")");
                    }
                    if (!done.add(size)) {
                        continue;
                    }
                    status.accept(engine.name() + " " + ByteCount.format(size));
                    points.add(bench.run(engine.name(), requested, size, durationNanos));
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
