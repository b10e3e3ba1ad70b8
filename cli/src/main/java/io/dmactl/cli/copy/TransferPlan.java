package io.dmactl.cli.copy;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.host.ProviderCatalog;
import io.dmactl.cli.location.ByteCount;
import io.dmactl.cli.location.FileSpec;
import io.dmactl.cli.location.HostMemorySpec;
import io.dmactl.cli.location.LocationSpec;
import io.dmactl.cli.location.PrivateSpaceSpec;
import io.dmactl.cli.location.WindowSpec;
import io.dmactl.cli.output.UserText;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciResource;
import io.dmactl.vfio.pci.PciSysfs;
import io.dmactl.vfio.pci.UserspaceDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * A copy that has been checked against the machine without changing anything: how many bytes,
 * and that both ends exist and hold them. Every refusal here happens before the DMA runtime
 * opens (no memory locked, no device opened), with the exit code that says why.
 *
 * @param source      where the bytes come from
 * @param destination where they go
 * @param lengthBytes how many, at least 1
 */
public record TransferPlan(LocationSpec source, LocationSpec destination, long lengthBytes) {

    public TransferPlan {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        if (lengthBytes <= 0) {
            throw new IllegalArgumentException("lengthBytes " + lengthBytes + " must be positive");
        }
    }

    /**
     * Works out the length (from {@code --size}, else from a source file or a sized buffer) and
     * checks both ends.
     *
     * @throws DmactlException USAGE for a length that cannot be known or runs past an end,
     *                         NOT_FOUND for a missing file, device, BAR or provider,
     *                         PERMISSION for a file that cannot be read or written
     */
    public static TransferPlan check(LocationSpec source, LocationSpec destination, OptionalLong size,
                                     PciSysfs sysfs, ProviderCatalog providers) {
        long length = size.isPresent() ? size.getAsLong() : impliedLength(source, destination);
        checkEnd(source, "source", length, true, sysfs, providers);
        checkEnd(destination, "destination", length, false, sysfs, providers);
        return new TransferPlan(source, destination, length);
    }

    /**
     * As {@link #check}, for an op that only reads both ends (compare): each end is checked as a
     * source (a file must exist and be readable, and hold the length).
     *
     * @throws DmactlException as {@link #check}
     */
    public static TransferPlan checkReadOnly(LocationSpec first, LocationSpec second, OptionalLong size, PciSysfs sysfs,
                                             ProviderCatalog providers) {
        long length = size.isPresent() ? size.getAsLong() : impliedLength(first, second);
        checkEnd(first, "first location", length, true, sysfs, providers);
        checkEnd(second, "second location", length, true, sysfs, providers);
        return new TransferPlan(first, second, length);
    }

    /**
     * As {@link #check}, for an op over one location that only reads it (crc): the plan's source
     * and destination are that one location.
     *
     * @throws DmactlException as {@link #check}
     */
    public static TransferPlan checkReadOnly(LocationSpec location, OptionalLong size, PciSysfs sysfs, ProviderCatalog providers) {
        long length = size.isPresent() ? size.getAsLong() : impliedLength(location, location);
        checkEnd(location, "location", length, true, sysfs, providers);
        return new TransferPlan(location, location, length);
    }

    /**
     * Checks a device window named on its own (selftest and bench {@code --window}): the device
     * exists, has that memory BAR with room past the offset, and is bound to vfio-pci.
     *
     * @throws DmactlException as {@link #check}
     */
    public static void checkWindow(WindowSpec window, PciSysfs sysfs, ProviderCatalog providers) {
        checkEnd(window, "window", 1, false, sysfs, providers);
    }

    private static long impliedLength(LocationSpec source, LocationSpec destination) {
        if (source instanceof FileSpec file) {
            long length = fileLength(file.path());
            if (length == 0) {
                throw new DmactlException(ExitCodes.USAGE, "source file " + UserText.quote(file.path().toString()) + " is empty: nothing to copy");
            }
            return length;
        }
        for (LocationSpec end : new LocationSpec[] {source, destination}) {
            if (end instanceof HostMemorySpec memory && memory.lengthBytes().isPresent()) {
                return memory.lengthBytes().getAsLong() - memory.offsetBytes();
            }
        }
        throw new DmactlException(ExitCodes.USAGE, "how many bytes? neither " + source + " nor " + destination
                + " says; give --size, e.g. --size 4K");
    }

    private static void checkEnd(LocationSpec end, String role, long length, boolean isSource, PciSysfs sysfs,
                                 ProviderCatalog providers) {
        switch (end) {
            case HostMemorySpec memory -> {
                if (memory.lengthBytes().isPresent()) {
                    checkFits(role, end, memory.offsetBytes(), length, memory.lengthBytes().getAsLong(), "buffer");
                } else {
                    ByteCount.end(role + " " + end.shown(), memory.offsetBytes(), length); // the buffer it needs
                }
            }
            case FileSpec file -> {
                if (isSource) {
                    long fileLength = fileLength(file.path());
                    checkFits(role, end, 0, length, fileLength, "file");
                    if (!Files.isReadable(file.path())) {
                        throw new DmactlException(ExitCodes.PERMISSION, "cannot read source file " + UserText.quote(file.path().toString())
                                + ": permission denied");
                    }
                } else {
                    checkWritable(file.path());
                }
            }
            case WindowSpec window -> {
                PciDevice device = sysfs.require(window.device());
                PciResource bar = device.bar(window.barIndex()).orElseThrow(() -> new DmactlException(ExitCodes.NOT_FOUND,
                        window.device() + " has no BAR" + window.barIndex() + " (" + role + " " + end.shown() + "); its BARs: "
                                + describeBars(device)));
                if (!bar.isMemory()) {
                    throw new DmactlException(ExitCodes.USAGE, role + " " + end.shown() + ": BAR" + window.barIndex()
                            + " is an I/O-port BAR, which cannot be mapped; use a memory BAR (" + describeBars(device) + ")");
                }
                checkFits(role, end, window.offsetBytes(), length, bar.sizeBytes(), "BAR" + window.barIndex());
                checkVfio(device, role, end);
            }
            case PrivateSpaceSpec space -> {
                PciDevice device = sysfs.require(space.device());
                if (providers.providerFor(device).isEmpty()) {
                    throw new DmactlException(ExitCodes.NOT_FOUND, "no provider drives " + space.device() + " ("
                            + device.ids() + ", " + device.className() + "), so it has no engine memory for " + role
                            + " " + end.shown() + "; providers: " + String.join(", ", providers.names()));
                }
                checkVfio(device, role, end);
                // Its length is known once the engine is open; the runtime checks the bounds then.
            }
        }
    }

    /**
     * dmactl reaches device memory through VFIO, or through UIO with --no-iommu (the copy checks
     * that opt-in), so the device must be bound to vfio-pci or uio_pci_generic.
     */
    private static void checkVfio(PciDevice device, String role, LocationSpec end) {
        if (!device.isBoundTo(UserspaceDriver.VFIO_PCI.sysfsName())
                && !device.isBoundTo(UserspaceDriver.UIO_PCI_GENERIC.sysfsName())) {
            throw new DmactlException(ExitCodes.UNAVAILABLE, role + " " + end.shown() + ": " + device.address() + " is "
                    + device.driver().map(driver -> "bound to " + driver).orElse("not bound to any driver")
                    + ", not vfio-pci; 'dmactl bind " + device.address() + "' gives it to vfio-pci");
        }
    }

    private static void checkFits(String role, LocationSpec end, long offset, long length, long capacity, String what) {
        if (offset >= capacity || length > capacity - offset) {
            throw new DmactlException(ExitCodes.USAGE, role + " " + end.shown() + ": " + length + " bytes from offset 0x"
                    + Long.toHexString(offset) + " run past the end of the " + what + " ("
                    + capacity + " bytes = " + ByteCount.format(capacity) + "); at most "
                    + Math.max(0, capacity - offset) + " bytes fit there");
        }
    }

    private static long fileLength(Path path) {
        if (!Files.exists(path)) {
            throw new DmactlException(ExitCodes.NOT_FOUND, "no such file: " + UserText.quote(path.toString()));
        }
        if (!Files.isRegularFile(path)) {
            throw new DmactlException(ExitCodes.USAGE, UserText.quote(path.toString()) + " is not a regular file");
        }
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw new DmactlException(ExitCodes.FAILURE, "cannot read the size of " + UserText.quote(path.toString()) + ": " + e, e);
        }
    }

    private static void checkWritable(Path path) {
        Path absolute = path.toAbsolutePath();
        Path directory = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new DmactlException(ExitCodes.USAGE, "destination " + UserText.quote(path.toString()) + " is a directory; name a file in it");
        }
        if (directory == null || !Files.isDirectory(directory)) {
            throw new DmactlException(ExitCodes.NOT_FOUND, "destination directory " + UserText.quote(String.valueOf(directory)) + " does not exist");
        }
        boolean writable = Files.exists(absolute) ? Files.isWritable(absolute) : Files.isWritable(directory);
        if (!writable) {
            throw new DmactlException(ExitCodes.PERMISSION, "cannot write destination file " + UserText.quote(path.toString()) + ": permission denied");
        }
    }

    private static String describeBars(PciDevice device) {
        String bars = device.resources().stream().filter(PciResource::isBar)
                .map(bar -> "BAR" + bar.index() + " " + ByteCount.format(bar.sizeBytes()) + (bar.isIo() ? " io" : ""))
                .collect(Collectors.joining(", "));
        return bars.isEmpty() ? "none" : bars;
    }
}
