/**
 * The FFM binding to Linux VFIO, UIO and the PCI sysfs: the safe layer only.
 * <p>
 * {@code io.dmactl.vfio} (containers, groups, devices, DMA maps, BAR mappings, interrupts,
 * locked host pages, portal stores) and {@code io.dmactl.vfio.pci} (discovery and binding) are
 * the API. The jextract-generated {@code io.dmactl.vfio.ffi} stays inside the module. This module
 * makes the restricted FFM calls: run with {@code --enable-native-access=io.dmactl.vfio} on the
 * module path ({@code ALL-UNNAMED} on the class path).
 */
module io.dmactl.vfio {
    exports io.dmactl.vfio;
    exports io.dmactl.vfio.pci;
}
