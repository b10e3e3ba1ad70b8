package io.dmactl.core.engine;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/** The runtime's {@link EngineContext} for one engine; also remembers what the engine took, to give it back. */
final class RuntimeEngineContext implements EngineContext, IommuDomain.Holder {
    private final String engineName;
    private final Optional<PciDevice> pciDevice;
    private final Optional<VfioDevice> vfioDevice;
    private final IovaMappings mappings;
    private final DmaMemoryPool pool;
    private final LongSupplier clock;
    private final Map<String, String> options;
    private final BiFunction<String, MemorySegment, DeviceWindow> windowFactory;
    private final List<DevicePrivateSpace> spaces = new CopyOnWriteArrayList<>();
    private final List<IovaMapping> heldMappings = new ArrayList<>();
    private final List<DeviceWindow> windows = new ArrayList<>();
    /** Engine memory given back by {@link #releaseAfterDevice}, closed last in {@link #releaseResources}. */
    private final List<DmaBuffer> returnedMemory = new ArrayList<>();

    RuntimeEngineContext(String engineName, Optional<PciDevice> pciDevice, Optional<VfioDevice> vfioDevice,
                         IovaMappings mappings, DmaMemoryPool pool, LongSupplier clock, Map<String, String> options,
                         BiFunction<String, MemorySegment, DeviceWindow> windowFactory) {
        this.engineName = engineName;
        this.pciDevice = pciDevice;
        this.vfioDevice = vfioDevice;
        this.mappings = mappings;
        this.pool = pool;
        this.clock = clock;
        this.options = Map.copyOf(options);
        this.windowFactory = windowFactory;
    }

    @Override
    public String engineName() {
        return engineName;
    }

    @Override
    public Optional<PciDevice> pciDevice() {
        return pciDevice;
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
        Objects.requireNonNull(buffer, "buffer");
        if (!pool.owns(buffer) || buffer.isClosed()) {
            throw new IllegalArgumentException(engineName + ": " + buffer.describe() + " is not an open buffer of this runtime's pool");
        }
        if (dmaMaskBits < 12 || dmaMaskBits > 64) {
            throw new IllegalArgumentException(engineName + ": dmaMaskBits " + dmaMaskBits + " must be in 12..64");
        }
        if (mappings == null) {
            return buffer.segment().address();
        }
        long limit = dmaMaskBits >= 63 ? Long.MAX_VALUE : (1L << dmaMaskBits) - 1;
        // Rings and completion areas: the device reads descriptors and writes completions.
        IovaMapping mapping = mappings.acquire(buffer, buffer.pages(), limit, DmaAccess.DEVICE_READS_AND_WRITES);
        heldMappings.add(mapping);
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
        heldMappings.add(mapping);
        return mapping.iova();
    }

    @Override
    public synchronized void releaseAfterDevice(DmaBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (!pool.owns(buffer)) {
            throw new IllegalArgumentException(engineName + ": " + buffer.describe() + " is not a buffer of this runtime's pool");
        }
        returnedMemory.add(buffer);
    }

    @Override
    public DevicePrivateSpace declarePrivateSpace(String name, long lengthBytes, int granularityBytes) {
        Objects.requireNonNull(name, "name");
        synchronized (this) {
            for (DevicePrivateSpace s : spaces) {
                if (s.name().equals(engineName + " " + name)) {
                    throw new IllegalArgumentException(engineName + ": private space '" + name + "' is declared twice");
                }
            }
            DevicePrivateSpace space = LocationInternals.newPrivateSpace(name, engineName, spaces.size() + 1, lengthBytes, granularityBytes);
            spaces.add(space);
            return space;
        }
    }

    @Override
    public synchronized DeviceWindow declareWindow(String name, MemorySegment mapped) {
        DeviceWindow window = windowFactory.apply(engineName + " " + name, mapped);
        windows.add(window);
        return window;
    }

    @Override
    public LongSupplier nanoClock() {
        return clock;
    }

    @Override
    public String option(String key, String defaultValue) {
        return options.getOrDefault(key, defaultValue);
    }

    List<DevicePrivateSpace> privateSpaces() {
        return spaces;
    }

    /**
     * After the engine closed: its windows detach, its device closes (vfio-pci disables it, so it
     * can no longer master the bus), then the mappings the engine took for itself are dropped, and
     * only then is the memory the engine gave back ({@link #releaseAfterDevice}) closed, which
     * unmaps its last IOVA mapping before the pool may hand its pages out again.
     */
    synchronized void releaseResources() {
        RuntimeException failure = null;
        for (DeviceWindow window : windows) {
            try {
                LocationInternals.forceClose(window);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        windows.clear();
        try {
            vfioDevice.ifPresent(VfioDevice::close);
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        for (IovaMapping mapping : heldMappings) {
            try {
                mapping.release();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        heldMappings.clear();
        for (DmaBuffer buffer : returnedMemory) {
            try {
                if (!buffer.isClosed()) {
                    buffer.close();
                }
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        returnedMemory.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
