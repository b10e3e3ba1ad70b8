package io.dmactl.core.spi;

import io.dmactl.core.location.LocationKind;

/**
 * Where the bytes of an op come from and go to. "Memory" is host memory ({@code DmaBuffer});
 * "device" is a device window or a device-private space. A fill's direction is that of a copy
 * from memory to its destination.
 */
public enum Direction {
    /** Host memory to host memory. */
    MEM_TO_MEM,
    /** Host memory to a device window or private space. */
    MEM_TO_DEV,
    /** A device window or private space to host memory. */
    DEV_TO_MEM,
    /** Between device windows or private spaces. */
    DEV_TO_DEV;

    /**
     * The direction of a transfer between two kinds of location.
     *
     * @param source the kind of the source location
     * @param destination the kind of the destination location
     * @return the direction
     */
    public static Direction of(LocationKind source, LocationKind destination) {
        boolean fromMemory = source == LocationKind.HOST_MEMORY;
        boolean toMemory = destination == LocationKind.HOST_MEMORY;
        if (fromMemory) {
            return toMemory ? MEM_TO_MEM : MEM_TO_DEV;
        }
        return toMemory ? DEV_TO_MEM : DEV_TO_DEV;
    }
}
