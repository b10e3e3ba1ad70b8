package io.dmactl.cli.bench;

import io.dmactl.cli.output.JsonRecord;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What one engine did at one transfer size.
 *
 * @param engine             engine name
 * @param direction          "host->host" or "host->dev" (an engine that needs its own memory at one end)
 * @param requestedBytes     the size asked for with --sizes
 * @param sizeBytes          the size run: requested, clamped to the engine's limits
 * @param ops                transfers completed in the measured time
 * @param failedOps          of those, ended in a status other than success
 * @param seconds            measured wall time, first submission to last completion
 * @param gigabytesPerSecond bytes of successful ops per nanosecond (10^9 B/s)
 * @param opsPerSecond       completed ops per second
 * @param p50Nanos           median round trip of an op: raw path, from before its batch's first
 *                           enqueue to the poll that reported it; runtime path, the runtime's
 *                           submission-to-completion time
 * @param p99Nanos           99th percentile
 * @param p999Nanos          99.9th percentile
 * @param submitNanosPerOp   raw path only: the bench thread's time in enqueue and submit, per op
 *                           (the submit-side cost, what DPDK's dmadev figures measure)
 * @param firstFailure       the first op that did not end in success, or the first byte the
 *                           destination got wrong (raw path: checked after every point)
 * @param baselineRatio      throughput over MemorySegment.copy's at the same size, same run
 * @param emulated           why these figures were measured under emulation (an emulated device or
 *                           CPU, see {@code host.Emulation}), or empty on hardware
 */
public record BenchPoint(String engine, String direction, long requestedBytes, long sizeBytes, long ops, long failedOps,
                         double seconds, double gigabytesPerSecond, double opsPerSecond, OptionalLong p50Nanos,
                         OptionalLong p99Nanos, OptionalLong p999Nanos, OptionalDouble submitNanosPerOp,
                         Optional<String> firstFailure, Optional<Double> baselineRatio,
                         Optional<String> emulated)
        implements JsonRecord {

    public BenchPoint withBaselineRatio(double ratio) {
        return new BenchPoint(engine, direction, requestedBytes, sizeBytes, ops, failedOps, seconds, gigabytesPerSecond,
                opsPerSecond, p50Nanos, p99Nanos, p999Nanos, submitNanosPerOp, firstFailure, Optional.of(ratio), emulated);
    }

    public BenchPoint withEmulated(Optional<String> reason) {
        return new BenchPoint(engine, direction, requestedBytes, sizeBytes, ops, failedOps, seconds, gigabytesPerSecond,
                opsPerSecond, p50Nanos, p99Nanos, p999Nanos, submitNanosPerOp, firstFailure, baselineRatio, reason);
    }

    /** True when an op failed or the bytes came out wrong. */
    public boolean failed() {
        return failedOps > 0 || firstFailure.isPresent();
    }
}
