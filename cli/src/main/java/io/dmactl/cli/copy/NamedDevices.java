package io.dmactl.cli.copy;

import io.dmactl.core.device.DeviceSource;
import io.dmactl.core.memory.IommuDomain;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The devices a copy names, and no others: opening a device's engine resets the device, so a
 * copy into edu's buffer must not reset an NVMe controller that happens to be bound to vfio-pci
 * too (and lose what another user of it was doing). Windows of any device stay reachable.
 */
public final class NamedDevices implements DeviceSource {

    private final DeviceSource all;
    private final Set<PciAddress> named;

    public NamedDevices(DeviceSource all, Set<PciAddress> named) {
        this.all = Objects.requireNonNull(all, "all");
        this.named = Set.copyOf(named);
    }

    @Override
    public List<PciDevice> devices() {
        return all.devices().stream().filter(device -> named.contains(device.address())).toList();
    }

    @Override
    public Optional<PciDevice> device(PciAddress address) {
        return all.device(address);
    }

    @Override
    public Optional<IommuDomain> attach(List<PciDevice> devices, List<String> diagnostics) {
        return all.attach(devices, diagnostics);
    }

    @Override
    public Optional<VfioDevice> open(PciDevice device) {
        return all.open(device);
    }

    @Override
    public void close() {
        all.close();
    }
}
