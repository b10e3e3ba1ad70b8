package io.dmactl.core.device;

import io.dmactl.core.memory.IommuDomain;
import io.dmactl.core.memory.PhysicalDomain;
import io.dmactl.vfio.Pagemap;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciSysfs;
import io.dmactl.vfio.pci.UserspaceDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * PCI functions bound to uio_pci_generic: no IOMMU, DMA to physical addresses. Each device then
 * reaches all of memory, so this source opens nothing unless it was built with the user's
 * explicit opt-in ({@code devicesMayWriteAnywhereInMemory}; {@code DmaRuntime.Builder
 * .uioDevicesMayWriteAnywhereInMemory}, the CLI's {@code --no-iommu}). Without it the functions are
 * listed, and {@link #attach} and {@link #open} refuse them saying why and how to opt in. With it,
 * root is checked first (pagemap hides physical addresses from anyone else, and sysfs
 * {@code resourceN}/{@code config} are root's), then the devices share one {@link PhysicalDomain}.
 * Providers get the same {@link VfioDevice} type as over VFIO ({@link VfioDevice#openUio}).
 */
public final class UioDeviceSource implements DeviceSource {
    /** The refusal without the opt-in; tests and the CLI match on it. */
    public static final String OPT_IN_HINT = "refusing to open it without the opt-in to DMA without an IOMMU: under"
        + " UIO no IOMMU checks the device's DMA, so it can write anywhere in memory. Opt in with"
        + " DmaRuntime.Builder.uioDevicesMayWriteAnywhereInMemory(true) or the CLI's --no-iommu";
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private final PciSysfs sysfs;
    private final boolean devicesMayWriteAnywhereInMemory;
    private final Pagemap pagemap;
    private final Path procStatus;
    private final List<VfioDevice> opened = new ArrayList<>();
    private PhysicalDomain domain;
    private boolean closed;

    /**
     * A source over the functions of {@code sysfs} bound to uio_pci_generic.
     *
     * @param sysfs the sysfs tree the functions are in
     * @param devicesMayWriteAnywhereInMemory the user's explicit opt-in; false lists but never opens
     * @param pagemap                          where physical addresses come from ({@link Pagemap#self()})
     * @param procStatus                       {@code /proc/self/status}, for the root check
     */
    public UioDeviceSource(PciSysfs sysfs, boolean devicesMayWriteAnywhereInMemory, Pagemap pagemap, Path procStatus) {
        this.sysfs = Objects.requireNonNull(sysfs, "sysfs");
        this.devicesMayWriteAnywhereInMemory = devicesMayWriteAnywhereInMemory;
        this.pagemap = Objects.requireNonNull(pagemap, "pagemap");
        this.procStatus = Objects.requireNonNull(procStatus, "procStatus");
    }

    /**
     * Why this process cannot drive UIO devices (not root), or null if it can.
     *
     * @return the reason, or null
     */
    public static String notRootReason() {
        return notRootReason(PROC_STATUS);
    }

    /**
     * {@code sysfs} and this process's pagemap.
     *
     * @param sysfs the sysfs tree the functions are in
     * @param devicesMayWriteAnywhereInMemory the user's explicit opt-in; false lists but never opens
     * @return the source
     */
    public static UioDeviceSource over(PciSysfs sysfs, boolean devicesMayWriteAnywhereInMemory) {
        return new UioDeviceSource(sysfs, devicesMayWriteAnywhereInMemory, Pagemap.self(), PROC_STATUS);
    }

    /**
     * The system's /sys and this process's pagemap.
     *
     * @param devicesMayWriteAnywhereInMemory the user's explicit opt-in; false lists but never opens
     * @return the source
     */
    public static UioDeviceSource system(boolean devicesMayWriteAnywhereInMemory) {
        return new UioDeviceSource(PciSysfs.system(), devicesMayWriteAnywhereInMemory, Pagemap.self(), PROC_STATUS);
    }

    /**
     * Whether the user opted in to DMA without an IOMMU.
     *
     * @return true if the user opted in
     */
    public boolean devicesMayWriteAnywhereInMemory() {
        return devicesMayWriteAnywhereInMemory;
    }

    @Override
    public List<PciDevice> devices() {
        List<PciDevice> uio = new ArrayList<>();
        try {
            for (PciDevice d : sysfs.devices()) {
                if (d.isBoundTo(UserspaceDriver.UIO_PCI_GENERIC.sysfsName())) {
                    uio.add(d);
                }
            }
        } catch (RuntimeException e) {
            return List.of(); // no PCI bus in sysfs
        }
        return uio;
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
        if (!devicesMayWriteAnywhereInMemory) {
            for (PciDevice d : devices) {
                diagnostics.add(d.address() + " is bound to uio_pci_generic; " + OPT_IN_HINT);
            }
            return Optional.empty();
        }
        String notRoot = notRootReason(procStatus);
        if (notRoot != null) {
            diagnostics.add("cannot drive " + devices.stream().map(d -> d.address().toString()).toList()
                + " through UIO: " + notRoot);
            return Optional.empty();
        }
        if (domain == null) {
            domain = new PhysicalDomain(pagemap);
        }
        return Optional.of(domain);
    }

    @Override
    public synchronized Optional<VfioDevice> open(PciDevice device) {
        checkOpen();
        if (!devicesMayWriteAnywhereInMemory) {
            throw new IllegalStateException(device.address() + " is bound to uio_pci_generic; " + OPT_IN_HINT);
        }
        if (domain == null) {
            throw new IllegalStateException(device.address() + ": attach it first (root is checked there)");
        }
        if (!device.isBoundTo(UserspaceDriver.UIO_PCI_GENERIC.sysfsName())) {
            throw new IllegalStateException(device.address() + " is bound to " + device.driver().orElse("no driver")
                + ", not uio_pci_generic; bind it with 'dmactl bind " + device.address() + " --driver uio_pci_generic --no-iommu'");
        }
        VfioDevice opened = VfioDevice.openUio(device.address().toString(), sysfs.devicePath(device.address()),
            device.resources());
        this.opened.add(opened);
        domain.addDevice(opened);
        return Optional.of(opened);
    }

    /**
     * Why this process cannot drive UIO devices (not root: effective uid from the {@code Uid:} line
     * of {@code procStatus}), or null if it can.
     *
     * @param procStatus a file in the format of {@code /proc/self/status}
     * @return the reason, or null
     */
    public static String notRootReason(Path procStatus) {
        try {
            for (String line : Files.readAllLines(procStatus)) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    if (f.length >= 2 && f[1].equals("0")) {
                        return null;
                    }
                    return "not root (effective uid " + (f.length >= 2 ? f[1] : "?") + "): physical addresses in"
                        + " /proc/self/pagemap and sysfs resourceN/config are root's; run as root (sudo)";
                }
            }
            return "no Uid: line in " + procStatus + "; cannot tell whether this process is root";
        } catch (IOException e) {
            return "cannot read " + procStatus + " to check for root: " + e.getMessage();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (VfioDevice d : opened) {
            try {
                d.close(); // unmaps its BARs, closes config
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        opened.clear();
        if (domain != null) {
            domain.close();
        }
        if (first != null) {
            throw first;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("device source is closed");
        }
    }
}
