package io.dmactl.core.device;

import io.dmactl.core.memory.IommuDomain;
import io.dmactl.core.memory.VfioIommuDomain;
import io.dmactl.vfio.VfioContainer;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.VfioGroup;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciSysfs;
import io.dmactl.vfio.pci.UserspaceDriver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * PCI functions bound to vfio-pci, all in one VFIO container (one IOMMU domain, so a buffer is
 * mapped once for every device and BARs of one device can be mapped for another: peer to peer).
 * The container is opened only when a device is actually wanted, so a runtime without device
 * providers never touches /dev/vfio.
 */
public final class VfioDeviceSource implements DeviceSource {
    private final PciSysfs sysfs;
    private final Map<Integer, VfioGroup> groups = new LinkedHashMap<>();
    private VfioContainer container;
    private boolean closed;

    /**
     * A source over the functions of {@code sysfs} bound to vfio-pci.
     *
     * @param sysfs the sysfs tree the functions are in
     */
    public VfioDeviceSource(PciSysfs sysfs) {
        this.sysfs = Objects.requireNonNull(sysfs, "sysfs");
    }

    /**
     * The system's /sys.
     *
     * @return the source
     */
    public static VfioDeviceSource system() {
        return new VfioDeviceSource(PciSysfs.system());
    }

    @Override
    public List<PciDevice> devices() {
        List<PciDevice> usable = new ArrayList<>();
        try {
            for (PciDevice d : sysfs.devices()) {
                if (d.isBoundTo(UserspaceDriver.VFIO_PCI.sysfsName()) && d.iommuGroup().isPresent()) {
                    usable.add(d);
                }
            }
        } catch (RuntimeException e) {
            return List.of(); // no PCI bus in sysfs (containers, some VMs): no devices
        }
        return usable;
    }

    @Override
    public Optional<PciDevice> device(PciAddress address) {
        return sysfs.find(address);
    }

    @Override
    public synchronized Optional<IommuDomain> attach(List<PciDevice> devices, List<String> diagnostics) {
        checkOpen();
        if (devices.isEmpty()) {
            return Optional.empty();
        }
        if (container == null) {
            try {
                container = VfioContainer.open();
            } catch (RuntimeException e) {
                diagnostics.add("cannot open the VFIO container for " + addresses(devices) + ": " + e.getMessage());
                return Optional.empty();
            }
        }
        for (PciDevice device : devices) {
            if (device.iommuGroup().isEmpty()) {
                diagnostics.add(device.address() + " has no IOMMU group (no IOMMU, or not bound to vfio-pci); left out");
                continue;
            }
            int group = device.iommuGroup().getAsInt();
            if (groups.containsKey(group)) {
                continue;
            }
            try {
                groups.put(group, container.attachGroup(group));
            } catch (RuntimeException e) {
                diagnostics.add("IOMMU group " + group + " of " + device.address() + " cannot join the container: " + e.getMessage());
            }
        }
        if (groups.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new VfioIommuDomain(container));
    }

    @Override
    public synchronized Optional<VfioDevice> open(PciDevice device) {
        checkOpen();
        VfioGroup group = device.iommuGroup().isPresent() ? groups.get(device.iommuGroup().getAsInt()) : null;
        if (group == null) {
            throw new IllegalStateException(device.address() + ": its IOMMU group " + device.iommuGroup()
                + " is not attached to the runtime's container");
        }
        return Optional.of(group.openDevice(device.address().toString()));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (container != null) {
            container.close(); // devices, then leftover DMA mappings, then groups
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("device source is closed");
        }
    }

    private static List<String> addresses(List<PciDevice> devices) {
        return devices.stream().map(d -> d.address().toString()).toList();
    }
}
