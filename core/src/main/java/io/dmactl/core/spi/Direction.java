package io.dmactl.core.spi;

import io.dmactl.core.location.LocationKind;

/**
 * Where the bytes of an op come from and go to. "Memory" is host memory ({@code DmaBuffer});
 * "device" is a device window or a device-private space. A fill's direction is that of a copy
 * from memory to its destination.
 */
public enum Direction {
    MEM_TO_MEM,
    MEM_TO_DEV,
    DEV_TO_MEM,
    DEV_TO_DEV;

    /** The direction of a transfer between two kinds of location. */
    public static Direction of(LocationKind source, LocationKind destination) {
        boolean fromMemory = source == LocationKind.HOST_MEMORY;
        boolean toMemory = destination == LocationKind.HOST_MEMORY;
        if (fromMemory) {
            return toMemory ? MEM_TO_MEM : MEM_TO_DEV;
        }
        return toMemory ? DEV_TO_MEM : DEV_TO_DEV;
    }
}
