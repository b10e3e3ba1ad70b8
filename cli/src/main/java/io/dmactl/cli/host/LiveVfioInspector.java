package io.dmactl.cli.host;

import io.dmactl.vfio.DeviceInfo;
import io.dmactl.vfio.IrqInfo;
import io.dmactl.vfio.RegionInfo;
import io.dmactl.vfio.VfioContainer;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.VfioGroup;
import io.dmactl.vfio.pci.PciDevice;

import java.util.ArrayList;
import java.util.List;

/**
 * Asks the running kernel: a fresh container, the device's group attached to it, the device
 * opened, read, and everything closed again. Opening a vfio-pci device lets the kernel reset
 * it, and fails while another process has the group open.
 */
public final class LiveVfioInspector implements VfioInspector {

    @Override
    public VfioReport inspect(PciDevice device) {
        int group = device.iommuGroup().orElseThrow(() -> new IllegalArgumentException(
                device.address() + " has no IOMMU group, so VFIO cannot open it"));
        try (VfioContainer container = VfioContainer.open()) {
            VfioGroup vfioGroup = container.attachGroup(group);
            try (VfioDevice vfioDevice = vfioGroup.openDevice(device.address().toString())) {
                DeviceInfo info = vfioDevice.info();
                List<RegionInfo> regions = new ArrayList<>();
                for (int index = 0; index < info.numRegions(); index++) {
                    regions.add(vfioDevice.regionInfo(index));
                }
                List<IrqInfo> irqs = new ArrayList<>();
                for (int index = 0; index < info.numIrqs(); index++) {
                    irqs.add(vfioDevice.irqInfo(index));
                }
                return new VfioReport(info, regions, irqs, container.iommuInfo());
            }
        }
    }
}
