package io.dmactl.core.conformance;

import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.DmaMemoryPool;
import io.dmactl.core.memory.IommuDomain;
import io.dmactl.core.memory.DmaAccess;
import io.dmactl.core.memory.IovaMapping;
import io.dmactl.core.memory.IovaMappings;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciDevice;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * An {@link EngineContext} without a runtime, for driving an engine's channels directly (the
 * conformance suite, benchmarks, testbed tests of one device).
 */
public final class StandaloneEngineContext implements EngineContext, IommuDomain.Holder, AutoCloseable {
    private final String engineName;
    private final Optional<PciDevice> device;
    private final Optional<VfioDevice> vfioDevice;
    private final IovaMappings mappings;
    private final DmaMemoryPool pool;
    private final Map<String, String> options;
    private final List<DevicePrivateSpace> spaces = new ArrayList<>();
    private final List<IovaMapping> held = new ArrayList<>();

    /** @param domain the engine's IOMMU domain, or null for a CPU_VIRTUAL engine */
    public StandaloneEngineContext(String engineName, Optional<PciDevice> device, IommuDomain domain, DmaMemoryPool pool,
                                   Map<String, String> options) {
        this(engineName, device, Optional.empty(), domain, pool, options);
    }

    /** For a device engine: the device opened in the container behind {@code domain}. */
    public StandaloneEngineContext(String engineName, Optional<PciDevice> device, Optional<VfioDevice> vfioDevice,
                                   IommuDomain domain, DmaMemoryPool pool, Map<String, String> options) {
        this.engineName = engineName;
        this.device = device;
        this.vfioDevice = vfioDevice;
        this.mappings = domain == null ? null : new IovaMappings(domain);
        this.pool = pool;
        this.options = Map.copyOf(options);
    }

    @Override
    public String engineName() {
        return engineName;
    }

    @Override
    public Optional<PciDevice> pciDevice() {
        return device;
    }

    @Override
    public Optional<VfioDevice> vfioDevice() {
        return vfioDevice;
    }

    @Override
    public Optional<IommuDomain> iommuDomain() {
        return mappings == null ? Optional.empty() : Optional.of(mappings.domain());
    }

    @Override
    public boolean hasIommuDomain() {
        return mappings != null;
    }

    @Override
    public DmaMemoryPool memoryPool() {
        return pool;
    }

    @Override
    public synchronized long deviceAddress(DmaBuffer buffer, int dmaMaskBits) {
        if (mappings == null) {
            return buffer.segment().address();
        }
        long limit = dmaMaskBits >= 63 ? Long.MAX_VALUE : (1L << dmaMaskBits) - 1;
        IovaMapping mapping = mappings.acquire(buffer, buffer.pages(), limit, DmaAccess.DEVICE_READS_AND_WRITES);
        held.add(mapping);
        return mapping.iova();
    }

    @Override
    public synchronized long deviceAddress(DevicePrivateSpace space, MemorySegment deviceMemory, int dmaMaskBits) {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(deviceMemory, "deviceMemory");
        if (!spaces.contains(space)) {
            throw new IllegalArgumentException(engineName + ": " + space.describe() + " is not a private space this engine declared");
        }
        if (dmaMaskBits < 12 || dmaMaskBits > 64) {
            throw new IllegalArgumentException(engineName + ": dmaMaskBits " + dmaMaskBits + " must be in 12..64");
        }
        if (mappings == null) {
            return deviceMemory.address();
        }
        long limit = dmaMaskBits >= 63 ? Long.MAX_VALUE : (1L << dmaMaskBits) - 1;
        // Keyed by the private space: no transfer of another engine resolves to it.
        IovaMapping mapping = mappings.acquire(space, deviceMemory, limit, DmaAccess.DEVICE_READS_AND_WRITES);
        held.add(mapping);
        return mapping.iova();
    }

    @Override
    public synchronized DevicePrivateSpace declarePrivateSpace(String name, long lengthBytes, int granularityBytes) {
        DevicePrivateSpace space = LocationInternals.newPrivateSpace(name, engineName, spaces.size() + 1, lengthBytes, granularityBytes);
        spaces.add(space);
        return space;
    }

    @Override
    public DeviceWindow declareWindow(String name, MemorySegment mapped) {
        return LocationInternals.newWindow(engineName + " " + name, engineName, mapped, pool.pageBytes(), w -> { });
    }

    @Override
    public LongSupplier nanoClock() {
        return System::nanoTime;
    }

    @Override
    public String option(String key, String defaultValue) {
        return options.getOrDefault(key, defaultValue);
    }

    public synchronized List<DevicePrivateSpace> privateSpaces() {
        return List.copyOf(spaces);
    }

    /** The mappings table of the engine's domain, or null. */
    public IovaMappings mappings() {
        return mappings;
    }

    @Override
    public synchronized void close() {
        for (IovaMapping m : held) {
            m.release();
        }
        held.clear();
        if (mappings != null) {
            mappings.close();
        }
    }
}
