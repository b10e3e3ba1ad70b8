package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;
import io.dmactl.vfio.pci.PciResource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link VfioDevice} opened through UIO (uio_pci_generic) uses instead of a VFIO device fd,
 * all from the function's sysfs directory (Documentation/driver-api/uio-howto.rst, "Generic PCI
 * UIO driver"): BAR {@code n} is mmapped from {@code resourceN}, config space is read and written
 * through {@code config}, and the one interrupt (INTx) is masked and unmasked with the Interrupt
 * Disable bit of the command register, which uio_pci_generic sets when the line fires. No reset:
 * nothing restores config space around one.
 */
final class UioFunction {
    /** PCI Local Bus Spec 3.0, section 6.2.2: Command register bit 10, Interrupt Disable. */
    static final int PCI_COMMAND_INTX_DISABLE = 1 << 10;

    private final Path deviceDirectory;
    private final List<PciResource> resources;
    /** {@code /dev/uioN}, from the function's {@code uio/uioN} directory; null when it has none (no IRQ). */
    final Path uioDevice;
    final int configFd;
    final long configSizeBytes;

    private UioFunction(Path deviceDirectory, List<PciResource> resources, int configFd, long configSizeBytes,
                        Path uioDevice) {
        this.deviceDirectory = deviceDirectory;
        this.uioDevice = uioDevice;
        this.resources = resources;
        this.configFd = configFd;
        this.configSizeBytes = configSizeBytes;
    }

    /** Opens {@code deviceDirectory/config}; the caller closes {@link #configFd} with the device. */
    static UioFunction open(Path deviceDirectory, List<PciResource> resources, Path devDirectory) {
        Path config = deviceDirectory.resolve("config");
        long sizeBytes;
        try {
            sizeBytes = Files.size(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + config + " (is the function bound to uio_pci_generic?)", e);
        }
        Path uioDevice = null;
        try (var names = Files.list(deviceDirectory.resolve("uio"))) {
            uioDevice = names.map(p -> p.getFileName().toString()).filter(n -> n.matches("uio[0-9]+")).findFirst()
                .map(devDirectory::resolve).orElse(null);
        } catch (IOException noUioDirectory) {
            // not (yet) bound to a UIO driver: no interrupts
        }
        int fd = LibC.open(config.toString(), Native.O_RDWR() | Native.O_CLOEXEC());
        return new UioFunction(deviceDirectory, List.copyOf(resources), fd, sizeBytes, uioDevice);
    }

    /** A BAR as VFIO would describe it: a memory BAR readable, writable and mappable; anything else empty. */
    RegionInfo regionInfo(int index) {
        if (index == VfioDevice.CONFIG_REGION) {
            return new RegionInfo(index, configSizeBytes, 0,
                Native.VFIO_REGION_INFO_FLAG_READ() | Native.VFIO_REGION_INFO_FLAG_WRITE(), List.of());
        }
        for (PciResource r : resources) {
            if (r.index() == index - VfioDevice.BAR0_REGION && r.isBar() && r.isMemory() && !r.isUnassigned()) {
                return new RegionInfo(index, r.sizeBytes(), 0, Native.VFIO_REGION_INFO_FLAG_READ()
                    | Native.VFIO_REGION_INFO_FLAG_WRITE() | Native.VFIO_REGION_INFO_FLAG_MMAP(), List.of());
            }
        }
        return new RegionInfo(index, 0, 0, 0, List.of());
    }

    /** The physical start of BAR region {@code index} (from sysfs {@code resource}). */
    long barStart(int index) {
        for (PciResource r : resources) {
            if (r.index() == index - VfioDevice.BAR0_REGION) {
                return r.startAddress();
            }
        }
        throw new IllegalArgumentException("region " + index + " of " + deviceDirectory + " is not a BAR with a window");
    }

    /** The sysfs file BAR region {@code index} is mmapped from. */
    Path resourceFile(int index) {
        return deviceDirectory.resolve("resource" + (index - VfioDevice.BAR0_REGION));
    }

    /**
     * INTx only: one vector, masked by the kernel after each interrupt, on an eventfd when the
     * function has a {@code /dev/uioN} ({@link UioInterruptForwarder}); no MSI or MSI-X under uio_pci_generic.
     */
    IrqInfo irqInfo(int index) {
        if (index == VfioDevice.INTX) {
            return new IrqInfo(index, 1, Native.VFIO_IRQ_INFO_MASKABLE() | Native.VFIO_IRQ_INFO_AUTOMASKED()
                | (uioDevice != null ? Native.VFIO_IRQ_INFO_EVENTFD() : 0));
        }
        return new IrqInfo(index, 0, 0);
    }

    @Override
    public String toString() {
        return deviceDirectory.toString();
    }
}
