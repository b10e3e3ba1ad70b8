package io.dmactl.core.location;

import io.dmactl.core.internal.InFlightGate;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A BAR of a device, or a page-aligned part of one, mapped into this process. The CPU (and the
 * cpu engine) reach it through {@link #segment()}; engines behind an IOMMU reach it once the
 * core maps the same pages into their domain (VFIO type1 accepts an mmapped BAR as the vaddr of
 * a DMA mapping), which is how peer-to-peer transfers work.
 */
public final class DeviceWindow implements DmaLocation, AutoCloseable {
    private final String name;
    private final String device;
    private final MemorySegment segment;
    private final ReleaseHandler<DeviceWindow> owner;
    private final InFlightGate gate = new InFlightGate();
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Core use (runtime, through {@code LocationInternals}): wraps an already mapped window.
     *
     * @param name the window's name, for messages
     * @param device the device it belongs to, e.g. a PCI address, for messages
     * @param segment the mapped window; address and length must be multiples of {@code pageSizeBytes}
     * @param pageSizeBytes the page size the window's address and length are multiples of
     * @param owner called when the window is closed, to unmap it
     */
    DeviceWindow(String name, String device, MemorySegment segment, long pageSizeBytes,
                        ReleaseHandler<DeviceWindow> owner) {
        this.name = Objects.requireNonNull(name, "name");
        this.device = Objects.requireNonNull(device, "device");
        Objects.requireNonNull(segment, "segment");
        if (!segment.isNative()) {
            throw new IllegalArgumentException("device window '" + name + "' must be a native (mapped) segment, got a heap segment");
        }
        if (segment.byteSize() == 0 || segment.address() % pageSizeBytes != 0 || segment.byteSize() % pageSizeBytes != 0) {
            throw new IllegalArgumentException("device window '" + name + "' at 0x" + Long.toHexString(segment.address())
                + " length " + segment.byteSize() + " must be non-empty and page-aligned (page " + pageSizeBytes
                + " bytes) in address and length so it can be mapped into an IOMMU domain");
        }
        this.segment = segment;
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /**
     * The CPU view of the window.
     *
     * @return the mapped window
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * The device this window belongs to (e.g. a PCI address).
     *
     * @return the device's name, e.g. a PCI address
     */
    public String device() {
        return device;
    }

    @Override
    public long lengthBytes() {
        return segment.byteSize();
    }

    @Override
    public LocationKind kind() {
        return LocationKind.DEVICE_WINDOW;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Core use (through {@code LocationInternals}): the in-flight counter that blocks {@link #close()}.
     *
     * @return the window's gate
     */
    InFlightGate gate() {
        return gate;
    }

    /**
     * Whether {@link #close()} has closed the window.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return gate.isClosed();
    }

    /**
     * Detaches the window from the runtime and unmaps it from every IOMMU domain.
     * Idempotent; refused while a transfer on it is in flight, and for good once a transfer on it
     * was left in a device that could not be confirmed stopped (the exception says which).
     */
    @Override
    public void close() {
        int result = gate.tryClose();
        if (result == -2) {
            return;
        }
        if (result >= 0) {
            throw gate.closeRefused(describe(), result);
        }
        releaseOnce();
    }

    /** Core use (through {@code LocationInternals}): detaches the window even with transfers in flight, once the engines that ran them stopped. */
    void forceClose() {
        gate.forceClose();
        releaseOnce();
    }

    private void releaseOnce() {
        if (released.compareAndSet(false, true)) {
            owner.release(this);
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
