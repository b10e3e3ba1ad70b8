package io.dmactl.core;

import io.dmactl.core.engine.EngineHandle;
import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.internal.InFlightGate;
import io.dmactl.core.memory.DmaMemoryPool;
import io.dmactl.core.memory.IovaMappings;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which locations belong to one runtime, and the checks every transfer makes on them before
 * anything is touched: the location is ours, still open, and the range lies inside it.
 */
final class LocationRegistry {
    private final DmaMemoryPool pool;
    private final Set<DeviceWindow> windows = ConcurrentHashMap.newKeySet();
    private final Map<DevicePrivateSpace, EngineHandle> spaces = new ConcurrentHashMap<>();
    private final List<IovaMappings> domains = new CopyOnWriteArrayList<>();

    LocationRegistry(DmaMemoryPool pool) {
        this.pool = pool;
        // A buffer leaves every IOMMU domain before its pages can be handed out again.
        pool.addReleaseListener(buffer -> forgetEverywhere(buffer));
    }

    void addDomain(IovaMappings mappings) {
        domains.add(mappings);
    }

    List<IovaMappings> domains() {
        return domains;
    }

    void addEngine(EngineHandle engine) {
        for (DevicePrivateSpace space : engine.privateSpaces()) {
            spaces.put(space, engine);
        }
    }

    DeviceWindow attachWindow(String name, String device, MemorySegment mapped) {
        Objects.requireNonNull(mapped, "mapped");
        DeviceWindow window = LocationInternals.newWindow(name, device, mapped, pool.pageBytes(), w -> {
            windows.remove(w);
            forgetEverywhere(w);
        });
        windows.add(window);
        return window;
    }

    List<DeviceWindow> windows() {
        return new ArrayList<>(windows);
    }

    /**
     * Checks that {@code location} can take part in a transfer of this runtime over
     * {@code [offset, offset + lengthBytes)}.
     */
    void checkRange(String role, DmaLocation location, long offset, long lengthBytes) {
        Objects.requireNonNull(location, role);
        checkOwned(role, location);
        checkBounds(role, location, offset, lengthBytes);
    }

    /**
     * Checks that {@code [offset, offset + lengthBytes)} lies inside {@code location}; the caller
     * checked {@code lengthBytes > 0} (see {@link #checkLength}).
     */
    static void checkBounds(String role, DmaLocation location, long offset, long lengthBytes) {
        if (offset < 0) {
            throw new IllegalArgumentException(role + " offset " + offset + " is negative");
        }
        // Compared by subtraction, so offset + lengthBytes past Long.MAX_VALUE cannot wrap around
        // into range; the message gives the true end (offset >= 0 here and every caller checked
        // lengthBytes > 0, so the sum fits an unsigned long).
        if (offset > location.lengthBytes() || lengthBytes > location.lengthBytes() - offset) {
            throw new IllegalArgumentException(role + " range [" + offset + ", " + Long.toUnsignedString(offset + lengthBytes)
                + ") of " + lengthBytes + " bytes does not fit in " + location.describe());
        }
    }

    /** A transfer's length must be positive. */
    static void checkLength(long lengthBytes) {
        if (lengthBytes <= 0) {
            throw new IllegalArgumentException("lengthBytes " + lengthBytes + " must be positive");
        }
    }

    /** A copy's two ranges must not overlap when they lie in the same location. */
    static void checkNoOverlap(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                               long lengthBytes) {
        if (source == destination && sourceOffset < destinationOffset + lengthBytes
            && destinationOffset < sourceOffset + lengthBytes) {
            throw new IllegalArgumentException("source range [" + sourceOffset + ", " + (sourceOffset + lengthBytes)
                + ") and destination range [" + destinationOffset + ", " + (destinationOffset + lengthBytes)
                + ") overlap in " + source.describe() + "; DMA engines do not define overlapping copies");
        }
    }

    /** The gate that counts transfers on a location, null for private spaces (they live as long as their engine). */
    static InFlightGate gateOf(DmaLocation location) {
        return switch (location) {
            case DmaBuffer b -> LocationInternals.gate(b);
            case DeviceWindow w -> LocationInternals.gate(w);
            case DevicePrivateSpace s -> null;
        };
    }

    private void checkOwned(String role, DmaLocation location) {
        switch (location) {
            case DmaBuffer b -> {
                if (!pool.owns(b)) {
                    throw new IllegalArgumentException(role + " " + b.describe() + " belongs to another runtime's pool");
                }
                if (b.isClosed()) {
                    throw new IllegalStateException(role + " " + b.describe() + " is closed");
                }
            }
            case DeviceWindow w -> {
                if (!windows.contains(w)) {
                    throw new IllegalArgumentException(role + " " + w.describe()
                        + (w.isClosed() ? " is closed" : " is not attached to this runtime"));
                }
            }
            case DevicePrivateSpace s -> {
                if (!spaces.containsKey(s)) {
                    throw new IllegalArgumentException(role + " " + s.describe() + " was not declared by an engine of this runtime");
                }
            }
        }
    }

    private void forgetEverywhere(DmaLocation location) {
        for (IovaMappings mappings : domains) {
            mappings.forget(location);
        }
    }

    /** Runtime close, after every engine stopped: detach the windows that are left. */
    void closeWindows() {
        for (DeviceWindow window : new ArrayList<>(windows)) {
            LocationInternals.forceClose(window);
        }
    }
}
