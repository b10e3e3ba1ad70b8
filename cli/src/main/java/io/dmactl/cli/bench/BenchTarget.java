package io.dmactl.cli.bench;

import io.dmactl.core.EngineInfo;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.EngineCapabilities;

import java.util.Optional;

/**
 * Where an engine's benchmark copies go: host buffer to host buffer when the engine does that,
 * else host buffer into its own private memory (an engine like edu moves data only in and out of
 * its device), and the largest single copy that fits there.
 *
 * @param source      the host buffer copied from
 * @param destination a host buffer or the engine's first private space
 * @param direction   "host->host" or "host->dev"
 * @param unitBytes   sizes must be multiples of it (alignment, granularity)
 * @param limitBytes  the largest size: the engine's max transfer, the destination's room
 */
public record BenchTarget(DmaLocation source, DmaLocation destination, String direction, long unitBytes,
                          long limitBytes) {

    /** The target for {@code engine}, empty when it offers neither route. */
    public static Optional<BenchTarget> of(EngineInfo engine, DmaBuffer source, DmaBuffer destination) {
        EngineCapabilities caps = engine.capabilities();
        if (!caps.reaches(LocationKind.HOST_MEMORY)) {
            return Optional.empty();
        }
        long room = Math.min(source.lengthBytes(), destination.lengthBytes());
        if (!caps.requiresOwnPrivateEnd() && caps.supports(Direction.MEM_TO_MEM)) {
            return Optional.of(new BenchTarget(source, destination, "host->host", caps.alignmentBytes(),
                    Math.min(caps.maxTransferBytes(), room)));
        }
        if (!engine.privateSpaces().isEmpty() && caps.supports(Direction.MEM_TO_DEV)) {
            DevicePrivateSpace space = engine.privateSpaces().get(0);
            return Optional.of(new BenchTarget(source, space, "host->dev",
                    Math.max(caps.alignmentBytes(), space.granularityBytes()),
                    Math.min(Math.min(caps.maxTransferBytes(), space.lengthBytes()), source.lengthBytes())));
        }
        return Optional.empty();
    }

    /** {@code requestedBytes} clamped to the limit and rounded down to the unit; 0 if nothing fits. */
    public long clamp(long requestedBytes) {
        return Math.min(requestedBytes, limitBytes) / unitBytes * unitBytes;
    }
}
