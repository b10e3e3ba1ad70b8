package io.dmactl.cli.host;

import io.dmactl.vfio.DeviceInfo;
import io.dmactl.vfio.IommuInfo;
import io.dmactl.vfio.IrqInfo;
import io.dmactl.vfio.RegionInfo;

import java.util.List;
import java.util.Objects;

/**
 * What VFIO says about a device bound to vfio-pci: {@code VFIO_DEVICE_GET_INFO}, every region
 * and IRQ index, and the container's IOMMU info (page sizes, valid IOVA ranges).
 */
public record VfioReport(DeviceInfo device, List<RegionInfo> regions, List<IrqInfo> irqs, IommuInfo iommu) {

    public VfioReport {
        Objects.requireNonNull(device, "device");
        regions = List.copyOf(regions);
        irqs = List.copyOf(irqs);
        Objects.requireNonNull(iommu, "iommu");
    }
}
