package io.dmactl.core.conformance;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.memory.DmaMemoryPool;
import io.dmactl.core.memory.IommuDomain;
import io.dmactl.core.memory.PageSource;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The usual {@link EngineFixture}: opens an engine from its provider with a
 * {@link StandaloneEngineContext}; host memory comes from a pool and is mapped into the engine's
 * domain (if it has one) below its DMA mask.
 */
public final class ProviderFixture implements EngineFixture {
    private final DmaMemoryPool pool;
    private final StandaloneEngineContext context;
    private final DmaEngine engine;
    private final List<DmaBuffer> buffers = new ArrayList<>();
    private final IommuDomain domain;

    /** @param domain the engine's IOMMU domain (closed with the fixture), or null */
    public ProviderFixture(DmaProvider provider, Optional<PciDevice> device, IommuDomain domain, Map<String, String> options) {
        this(provider, device, domain, options, new ArenaPageSource(4096));
    }

    public ProviderFixture(DmaProvider provider, Optional<PciDevice> device, IommuDomain domain, Map<String, String> options,
                           PageSource pages) {
        this(provider, device, Optional.empty(), domain, options, pages);
    }

    /**
     * For a device engine on the testbed: {@code vfioDevice} opened in the container behind
     * {@code domain} (a {@code VfioIommuDomain}); memory from {@code pages} (locked HostPages).
     */
    public ProviderFixture(DmaProvider provider, Optional<PciDevice> device, Optional<VfioDevice> vfioDevice, IommuDomain domain,
                           Map<String, String> options, PageSource pages) {
        this.domain = domain;
        this.pool = new DmaMemoryPool(pages, 4096, 2L << 20, 256L << 20);
        this.context = new StandaloneEngineContext(provider.name(), device, vfioDevice, domain, pool, options);
        this.engine = provider.open(context);
    }

    @Override
    public DmaEngine engine() {
        return engine;
    }

    @Override
    public synchronized HostRegion allocateHost(int lengthBytes) {
        DmaBuffer buffer = pool.allocate(lengthBytes);
        buffers.add(buffer);
        long address = context.deviceAddress(buffer, engine.capabilities().dmaMaskBits());
        return new HostRegion(buffer.segment(), address);
    }

    @Override
    public List<DevicePrivateSpace> privateSpaces() {
        return context.privateSpaces();
    }

    public StandaloneEngineContext context() {
        return context;
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            context.close();
            pool.close();
            if (domain != null) {
                domain.close();
            }
        }
    }
}
