package io.dmactl.testbed.uio;

import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.conformance.ProviderFixture;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.memory.HostPagesSource;
import io.dmactl.core.memory.PhysicalDomain;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.vfio.Pagemap;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciSysfs;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A provider's engine on one of the no-IOMMU guest's uio_pci_generic functions, for the core's
 * conformance suite: the same provider code as over VFIO, given a {@link VfioDevice} opened through
 * UIO and a {@link PhysicalDomain}; memory from locked pages, 2 MiB hugepages while the guest has
 * them free (the profile reserves 16), so buffers are physically contiguous.
 */
record UioEngineFixture(ProviderFixture provider, VfioDevice device) implements EngineFixture {

    static UioEngineFixture open(DmaProvider provider, String pciAddress, Map<String, String> options) {
        PciDevice pci = PciSysfs.system().require(PciAddress.parse(pciAddress));
        VfioDevice device = VfioDevice.openUio(pciAddress, PciSysfs.system().devicePath(pci.address()), pci.resources());
        try {
            PhysicalDomain domain = new PhysicalDomain(Pagemap.self());
            domain.addDevice(device);
            ProviderFixture fixture = new ProviderFixture(provider, Optional.of(pci), Optional.of(device), domain, options,
                HostPagesSource.preferHugePages());
            return new UioEngineFixture(fixture, device);
        } catch (RuntimeException | Error e) {
            device.close();
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
            device.close();
        }
    }
}
