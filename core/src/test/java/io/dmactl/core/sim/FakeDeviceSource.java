package io.dmactl.core.sim;

import io.dmactl.core.device.DeviceSource;
import io.dmactl.core.memory.IommuDomain;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** PCI functions without hardware for runtime tests: listed, attached to a fake IOMMU, never opened through VFIO. */
public final class FakeDeviceSource implements DeviceSource {
    private final List<PciDevice> devices;
    private final FakeIommuDomain domain;
    private final List<PciDevice> attached = new ArrayList<>();
    private boolean closed;

    public FakeDeviceSource(FakeIommuDomain domain, PciDevice... devices) {
        this.domain = domain;
        this.devices = List.of(devices);
    }

    /** A function bound to vfio-pci in IOMMU group {@code group}. */
    public static PciDevice function(String address, int vendorId, int deviceId, int classCode, int group) {
        return new PciDevice(PciAddress.parse(address), vendorId, deviceId, classCode, 0, 0, 0, Optional.of("vfio-pci"),
            Optional.empty(), OptionalInt.of(group), OptionalInt.empty(), List.of());
    }

    @Override
    public List<PciDevice> devices() {
        return devices;
    }

    @Override
    public Optional<PciDevice> device(PciAddress address) {
        return devices.stream().filter(d -> d.address().equals(address)).findFirst();
    }

    @Override
    public Optional<IommuDomain> attach(List<PciDevice> toAttach, List<String> diagnostics) {
        attached.addAll(toAttach);
        return Optional.of(domain);
    }

    @Override
    public Optional<VfioDevice> open(PciDevice device) {
        if (!attached.contains(device)) {
            throw new IllegalStateException(device.address() + " was not attached");
        }
        return Optional.empty();
    }

    public List<PciDevice> attached() {
        return attached;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
