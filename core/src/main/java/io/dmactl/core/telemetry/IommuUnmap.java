package io.dmactl.core.telemetry;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dmactl.IommuUnmap")
@Label("IOMMU Unmap")
@Category("dmactl")
@Description("A mapping left an IOMMU domain (VFIO_IOMMU_UNMAP_DMA); the duration is the unmap call's")
@Enabled(false)
@StackTrace(false)
final class IommuUnmap extends jdk.jfr.Event {
    @Label("Domain")
    String domain;
    @Label("IOVA")
    long iova;
    @Label("Length")
    @DataAmount
    long lengthBytes;
}
