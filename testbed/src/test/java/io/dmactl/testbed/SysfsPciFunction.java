package io.dmactl.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * One PCI function as the guest kernel's sysfs shows it. Read-only, and independent of the
 * vfio-binding layer on purpose: it checks what the testbed set up, not what our code does.
 */
final class SysfsPciFunction {

    private static final Path PCI_DEVICES = Path.of("/sys/bus/pci/devices");

    private final Path directory;

    private SysfsPciFunction(Path directory) {
        this.directory = directory;
    }

    /** Every function whose vendor and device ids match, in address order. */
    static List<SysfsPciFunction> withIds(int vendorId, int deviceId) {
        List<SysfsPciFunction> matches = new ArrayList<>();
        try (Stream<Path> functions = Files.list(PCI_DEVICES)) {
            for (Path function : functions.sorted().toList()) {
                if (readHex(function.resolve("vendor")) == vendorId
                        && readHex(function.resolve("device")) == deviceId) {
                    matches.add(new SysfsPciFunction(function));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + PCI_DEVICES, e);
        }
        return matches;
    }

    /** Domain:bus:device.function, e.g. 0000:00:02.0. */
    String address() {
        return directory.getFileName().toString();
    }

    /** Name of the bound driver, empty when none is bound. */
    Optional<String> driver() throws IOException {
        Path link = directory.resolve("driver");
        return Files.isSymbolicLink(link)
                ? Optional.of(Files.readSymbolicLink(link).getFileName().toString())
                : Optional.empty();
    }

    /** IOMMU group number, empty when the function sits behind no IOMMU. */
    OptionalInt iommuGroup() throws IOException {
        Path link = directory.resolve("iommu_group");
        return Files.isSymbolicLink(link)
                ? OptionalInt.of(Integer.parseInt(Files.readSymbolicLink(link).getFileName().toString()))
                : OptionalInt.empty();
    }

    /** Size of BAR {@code bar} in bytes (0 when unimplemented), from the "resource" table. */
    long barSizeBytes(int bar) throws IOException {
        if (bar < 0 || bar > 5) {
            throw new IllegalArgumentException("BAR index " + bar + " is not 0..5");
        }
        // One line per resource: "0x<start> 0x<end> 0x<flags>"; lines 0..5 are the BARs.
        String[] fields = Files.readAllLines(directory.resolve("resource")).get(bar).trim().split("\\s+");
        long startAddress = Long.decode(fields[0]);
        long endAddress = Long.decode(fields[1]);
        return endAddress == 0 ? 0 : endAddress - startAddress + 1;
    }

    /** The sysfs file that maps BAR {@code bar}. */
    Path barResourceFile(int bar) {
        return directory.resolve("resource" + bar);
    }

    private static int readHex(Path file) throws IOException {
        return Integer.decode(Files.readString(file).trim());
    }

    @Override
    public String toString() {
        return address();
    }
}
