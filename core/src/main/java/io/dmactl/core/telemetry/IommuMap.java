package io.dmactl.core.telemetry;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dmactl.IommuMap")
@Label("IOMMU Map")
@Category("dmactl")
@Description("Memory was mapped into an IOMMU domain (VFIO_IOMMU_MAP_DMA); the duration is the map call's")
@Enabled(false) // a location too large for a narrow engine is mapped per transfer
@StackTrace(false)
final class IommuMap extends jdk.jfr.Event {
    @Label("Domain")
    String domain;
    @Label("IOVA")
    @Description("First IO virtual address of the mapping")
    long iova;
    @Label("Length")
    @DataAmount
    long lengthBytes;
    @Label("Access")
    @Description("What the device may do: DEVICE_READS, DEVICE_WRITES or DEVICE_READS_AND_WRITES")
    String access;
    @Label("Location")
    String location;
}
