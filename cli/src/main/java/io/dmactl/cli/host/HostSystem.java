package io.dmactl.cli.host;

import io.dmactl.vfio.pci.PciSysfs;
import io.dmactl.vfio.pci.SysfsWriter;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything dmactl's commands look at or change on the machine, in one place so the commands
 * can be run against fixture trees in tests. {@link #live()} is the real machine.
 *
 * @param sysfs          PCI devices, drivers and IOMMU groups
 * @param sysfsWriter    how bind and unbind write sysfs attributes
 * @param procRoot       a tree laid out like /proc (mountinfo, swaps: the in-use check)
 * @param stateDirectory where bind records are kept for a later unbind
 * @param providers      the DMA providers and the devices they declare
 * @param vfio           how {@code info} asks VFIO about a vfio-pci device
 * @param engines        how {@code info} reads the capabilities of a device's engine
 */
public record HostSystem(PciSysfs sysfs, SysfsWriter sysfsWriter, Path procRoot, Path stateDirectory,
                         ProviderCatalog providers, VfioInspector vfio, EngineInspector engines) {

    /**
     * Roots of the live machine. The system properties {@code dmactl.sysfs}, {@code dmactl.proc}
     * and {@code dmactl.state} move them (for trying dmactl on a copied sysfs tree); they are
     * deliberately not command-line options.
     */
    public static HostSystem live() {
        PciSysfs sysfs = new PciSysfs(Path.of(System.getProperty("dmactl.sysfs", "/sys")));
        return new HostSystem(
                sysfs,
                SysfsWriter.direct(),
                Path.of(System.getProperty("dmactl.proc", "/proc")),
                Path.of(System.getProperty("dmactl.state", "/run/dmactl")),
                ProviderCatalog.discover(),
                new LiveVfioInspector(),
                new LiveEngineInspector(sysfs));
    }

    public HostSystem {
        Objects.requireNonNull(sysfs, "sysfs");
        Objects.requireNonNull(sysfsWriter, "sysfsWriter");
        Objects.requireNonNull(procRoot, "procRoot");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(providers, "providers");
        Objects.requireNonNull(vfio, "vfio");
        Objects.requireNonNull(engines, "engines");
    }

    public HostUseDetector hostUses() {
        return new HostUseDetector(sysfs, procRoot);
    }

    public BindingRecords bindingRecords() {
        return new BindingRecords(stateDirectory);
    }
}
