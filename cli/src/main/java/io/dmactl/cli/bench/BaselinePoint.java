package io.dmactl.cli.bench;

import io.dmactl.cli.output.JsonRecord;

/**
 * The cpu copy baseline at one size: plain {@code MemorySegment.copy} between two DMA buffers on
 * the benchmark thread, measured in the same run as the engines.
 *
 * @param sizeBytes          bytes per copy
 * @param ops                copies in the measured time
 * @param seconds            measured wall time
 * @param gigabytesPerSecond bytes per nanosecond
 * @param opsPerSecond       copies per second
 */
public record BaselinePoint(long sizeBytes, long ops, double seconds, double gigabytesPerSecond, double opsPerSecond)
        implements JsonRecord {
}
