package io.dmactl.core.location;

import java.util.Objects;

/**
 * Memory only its own engine reaches, addressed by byte offset: the QEMU edu device's 4 KiB
 * buffer, an NVMe namespace. Declared by the engine's provider when the engine opens (through
 * {@code EngineContext.declarePrivateSpace}); lives as long as the engine.
 *
 * <p>On the fast path the engine addresses it as space {@link #spaceId()} (1..n; space 0 is the
 * engine's bus address space) with the offset as the address.
 */
public final class DevicePrivateSpace implements DmaLocation {
    private final String name;
    private final String ownerEngine;
    private final int spaceId;
    private final long lengthBytes;
    private final int granularityBytes;

    /**
     * Core use (engine context, through {@code LocationInternals}).
     *
     * @param name the space's name, unique per engine, e.g. "buffer"
     * @param ownerEngine the name of the engine that owns the space
     * @param spaceId the space number the engine uses on its fast path, 1 or more (0 is the bus space)
     * @param lengthBytes the space's size in bytes, positive
     * @param granularityBytes offsets and lengths in this space must be multiples of it (1 for byte
     *                         addressed memory, the LBA size for a namespace); a power of two
     */
    DevicePrivateSpace(String name, String ownerEngine, int spaceId, long lengthBytes, int granularityBytes) {
        this.name = Objects.requireNonNull(name, "name");
        this.ownerEngine = Objects.requireNonNull(ownerEngine, "ownerEngine");
        if (spaceId < 1) {
            throw new IllegalArgumentException("spaceId " + spaceId + " of '" + name + "' must be >= 1 (0 is the bus space)");
        }
        if (lengthBytes <= 0) {
            throw new IllegalArgumentException("lengthBytes " + lengthBytes + " of '" + name + "' must be positive");
        }
        if (granularityBytes <= 0 || Integer.bitCount(granularityBytes) != 1) {
            throw new IllegalArgumentException("granularityBytes " + granularityBytes + " of '" + name + "' must be a power of two");
        }
        this.spaceId = spaceId;
        this.lengthBytes = lengthBytes;
        this.granularityBytes = granularityBytes;
    }

    /**
     * The engine that owns (and alone reaches) this space.
     *
     * @return the owning engine's name
     */
    public String ownerEngine() {
        return ownerEngine;
    }

    /**
     * The space number the owning engine uses on its fast path.
     *
     * @return the space id, 1 or more
     */
    public int spaceId() {
        return spaceId;
    }

    /**
     * Offsets and lengths must be multiples of this.
     *
     * @return the granularity in bytes, a power of two
     */
    public int granularityBytes() {
        return granularityBytes;
    }

    @Override
    public long lengthBytes() {
        return lengthBytes;
    }

    @Override
    public LocationKind kind() {
        return LocationKind.DEVICE_PRIVATE;
    }

    @Override
    public String name() {
        return ownerEngine + " " + name;
    }

    @Override
    public String toString() {
        return describe();
    }
}
