package io.dmactl.core.engine;

import io.dmactl.core.completion.EngineSupervisor;
import io.dmactl.core.dispatch.DispatchCandidate;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.memory.DmaAccess;
import io.dmactl.core.memory.IovaMapping;
import io.dmactl.core.memory.IovaMappings;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.EngineCapabilities;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An opened engine as the runtime holds it: identity, capabilities, the IOMMU mappings of its
 * domain, its private spaces, and the supervisor that runs its channel workers. Resolves
 * locations into the engine's address spaces.
 */
public final class EngineHandle implements DispatchCandidate {
    private final String engineName;
    private final String providerName;
    private final Optional<String> device;
    private final DmaEngine engine;
    private final EngineCapabilities caps;
    private final IovaMappings mappings;
    private final RuntimeEngineContext context;
    private final EngineSupervisor supervisor;

    EngineHandle(String engineName, String providerName, Optional<String> device, DmaEngine engine,
                 IovaMappings mappings, RuntimeEngineContext context, EngineSupervisor supervisor) {
        this.engineName = engineName;
        this.providerName = providerName;
        this.device = device;
        this.engine = engine;
        this.caps = engine.capabilities();
        this.mappings = mappings;
        this.context = context;
        this.supervisor = supervisor;
    }

    @Override
    public String engineName() {
        return engineName;
    }

    @Override
    public String providerName() {
        return providerName;
    }

    /**
     * The device the engine drives (PCI address), empty for software engines.
     *
     * @return the PCI address, or empty
     */
    public Optional<String> device() {
        return device;
    }

    @Override
    public EngineCapabilities capabilities() {
        return caps;
    }

    @Override
    public boolean owns(DevicePrivateSpace space) {
        for (DevicePrivateSpace own : context.privateSpaces()) {
            if (own == space) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean domainMapsDeviceMemory() {
        return mappings != null && mappings.domain().mapsDeviceMemory();
    }

    @Override
    public long outstandingOps() {
        return supervisor.outstanding();
    }

    @Override
    public String unavailableReason() {
        return supervisor.unavailableReason();
    }

    /**
     * The private spaces the engine declared, in space-id order.
     *
     * @return the spaces
     */
    public List<DevicePrivateSpace> privateSpaces() {
        return context.privateSpaces();
    }

    /**
     * The engine's supervisor: resets, retirement and the watchdog's view of it.
     *
     * @return the supervisor
     */
    public EngineSupervisor supervisor() {
        return supervisor;
    }

    /**
     * The raw engine, for tests and benchmarks that drive a channel directly; the runtime owns it.
     *
     * @return the engine
     */
    public DmaEngine engine() {
        return engine;
    }

    /**
     * The mappings of the engine's IOMMU domain, or null for a CPU_VIRTUAL engine.
     *
     * @return the mappings, or null
     */
    public IovaMappings mappings() {
        return mappings;
    }

    /**
     * Resolves one end of a transfer: takes an IOMMU mapping reference when the engine addresses
     * memory by IOVA (mapping the location now, within the engine's DMA mask and with exactly
     * {@code access}, if this domain has no such mapping yet; only the transfer's pages if the
     * whole location does not fit under the mask). The caller pinned the location; the mapping
     * reference is released with the transfer.
     *
     * @param location a location of the runtime
     * @param offset the byte offset in {@code location}
     * @param lengthBytes the bytes the transfer touches from {@code offset}
     * @param access      what the device does at this end: {@link DmaAccess#DEVICE_READS} for a
     *                    source, {@link DmaAccess#DEVICE_WRITES} for a destination
     * @return the space and address of the range
     */
    public ResolvedAddress resolve(DmaLocation location, long offset, long lengthBytes, DmaAccess access) {
        IovaMapping mapping = acquireMapping(location, offset, lengthBytes, access);
        return new ResolvedAddress(spaceOf(location), addressOf(location, offset, mapping), mapping);
    }

    /**
     * The engine's address space for {@code location}: a private space's id, else {@link DmaChannel#SPACE_BUS}.
     *
     * @param location a location of the runtime
     * @return the space id
     */
    public int spaceOf(DmaLocation location) {
        return location instanceof DevicePrivateSpace space ? space.spaceId() : DmaChannel.SPACE_BUS;
    }

    /**
     * The first half of {@link #resolve}, for the submit path (nothing allocated): the IOMMU
     * mapping reference for one end, taken as {@link #resolve} describes, or null when the engine
     * needs none (a private space, or an engine that addresses memory by CPU address: CPU_VIRTUAL
     * and SHARED_VIRTUAL).
     *
     * @param location a location of the runtime
     * @param offset the byte offset in {@code location}
     * @param lengthBytes the range's length in bytes
     * @param access what the device does with the range
     * @return the mapping (release it when the transfer ends), or null when none is needed
     */
    public IovaMapping acquireMapping(DmaLocation location, long offset, long lengthBytes, DmaAccess access) {
        return switch (location) {
            case DevicePrivateSpace space -> null;
            case DmaBuffer buffer -> usesCpuAddresses() ? null
                : mappings.acquireRange(location, buffer.pages(), offset, lengthBytes, caps.dmaLimit(), access);
            case DeviceWindow window -> usesCpuAddresses() ? null
                : mappings.acquireRange(location, window.segment(), offset, lengthBytes, caps.dmaLimit(), access);
        };
    }

    /** CPU_VIRTUAL and SHARED_VIRTUAL engines address host memory by CPU virtual address: nothing is mapped for them. */
    private boolean usesCpuAddresses() {
        return switch (caps.addressing()) {
            case CPU_VIRTUAL, SHARED_VIRTUAL -> true;
            case IOVA, PHYSICAL -> false;
        };
    }

    /**
     * The second half of {@link #resolve}: where {@code offset} of {@code location} is in the engine's space.
     *
     * @param location a location of the runtime
     * @param offset the byte offset in {@code location}
     * @param mapping the mapping {@link #acquireMapping} returned for the range, or null
     * @return the address in the engine's space
     */
    public long addressOf(DmaLocation location, long offset, IovaMapping mapping) {
        if (mapping != null) {
            return mapping.busAddress(offset);
        }
        return switch (location) {
            case DevicePrivateSpace space -> offset;
            case DmaBuffer buffer -> buffer.pages().address() + offset;
            case DeviceWindow window -> window.segment().address() + offset;
        };
    }

    /**
     * The lowest IOVA at which {@code location} is mapped in this engine's domain within the
     * engine's DMA mask, if it is (a location may have several mappings: one per access right and
     * per mask class).
     *
     * @param location a location of the runtime
     * @return the IOVA, or empty
     */
    public OptionalLong iovaOf(DmaLocation location) {
        return mappings == null ? OptionalLong.empty() : mappings.iovaOf(location, caps.dmaLimit());
    }

    /**
     * Closes the engine through its supervisor, then drops the mappings the engine took for itself
     * and closes its device. When the supervisor had to leak the engine (a channel owner did not
     * stop), those stay too: the device may still be driven and must keep reaching its memory.
     *
     * @param graceNanos how long the engine may finish the work it holds before it is reset, in nanoseconds
     */
    public void close(long graceNanos) {
        try {
            supervisor.close(graceNanos);
        } finally {
            if (!supervisor.leaked()) {
                context.releaseResources();
            }
        }
    }

    @Override
    public String toString() {
        return engineName;
    }
}
