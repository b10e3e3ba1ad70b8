package io.dmactl.testbed;

import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.conformance.ProviderFixture;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.memory.VfioIommuDomain;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.vfio.VfioContainer;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciSysfs;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A provider's engine on one of the guest's VFIO devices, opened in a container of its own, for the
 * core's conformance suite. The provider fixture does not own the container, so this closes it
 * after the engine and everything the fixture mapped.
 */
public record DeviceEngineFixture(ProviderFixture provider, VfioContainer container) implements EngineFixture {

    /** Opens {@code pciAddress} (alone in IOMMU group {@code group}) and {@code provider}'s engine on it. */
    public static DeviceEngineFixture open(DmaProvider provider, int group, String pciAddress, Map<String, String> options) {
        VfioContainer container = VfioContainer.open();
        try {
            VfioDevice device = container.attachGroup(group).openDevice(pciAddress);
            ProviderFixture fixture = new ProviderFixture(provider,
                Optional.of(PciSysfs.system().require(PciAddress.parse(pciAddress))), Optional.of(device),
                new VfioIommuDomain(container), options, new ArenaPageSource(4096));
            return new DeviceEngineFixture(fixture, container);
        } catch (RuntimeException | Error e) {
            container.close();
            throw e;
        }
    }

    @Override
    public DmaEngine engine() {
        return provider.engine();
    }

    @Override
    public HostRegion allocateHost(int lengthBytes) {
        return provider.allocateHost(lengthBytes);
    }

    @Override
    public List<DevicePrivateSpace> privateSpaces() {
        return provider.privateSpaces();
    }

    @Override
    public void close() {
        try {
            provider.close();
        } finally {
            container.close();
        }
    }
}
