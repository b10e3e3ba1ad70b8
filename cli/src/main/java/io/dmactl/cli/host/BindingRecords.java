package io.dmactl.cli.host;

import io.dmactl.vfio.pci.BindResult;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.UserspaceDriver;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * What {@code dmactl bind} changed, kept so that a later {@code dmactl unbind} (another
 * process) can put the device back exactly: the driver and {@code driver_override} it had.
 * One small properties file per device under {@code <state>/bindings/}; the default state
 * directory is {@code /run/dmactl}, a tmpfs, so records vanish on reboot together with the binds.
 */
public final class BindingRecords {

    private final Path directory;

    public BindingRecords(Path stateDirectory) {
        this.directory = Objects.requireNonNull(stateDirectory, "stateDirectory").resolve("bindings");
    }

    /** Where the record of {@code address} lives. */
    public Path path(PciAddress address) {
        return directory.resolve(address + ".properties");
    }

    /**
     * Records {@code result}. Written to a temporary file and moved into place, so a reader
     * never sees half a record.
     *
     * @throws UncheckedIOException when the state directory cannot be written
     */
    public void save(BindResult result) {
        Properties record = new Properties();
        record.setProperty("address", result.address().toString());
        record.setProperty("driver", result.driver().sysfsName());
        result.previousDriver().ifPresent(driver -> record.setProperty("previousDriver", driver));
        result.previousDriverOverride().ifPresent(override -> record.setProperty("previousDriverOverride", override));
        Path target = path(result.address());
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, result.address().toString(), ".tmp");
            try (Writer out = Files.newBufferedWriter(temporary)) {
                record.store(out, "dmactl bind: what to restore on dmactl unbind");
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the bind of " + result.address() + " in " + target + ": " + e, e);
        }
    }

    /**
     * The record of the last bind of {@code address}, empty when there is none.
     *
     * @throws IllegalStateException naming the file when the record is damaged
     */
    public Optional<BindResult> load(PciAddress address) {
        Path file = path(address);
        Properties record = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            record.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bind record " + file + ": " + e, e);
        }
        try {
            PciAddress recorded = PciAddress.parse(record.getProperty("address", ""));
            if (!recorded.equals(address)) {
                throw new IllegalArgumentException("it is for " + recorded);
            }
            UserspaceDriver driver = UserspaceDriver.fromSysfsName(record.getProperty("driver", ""));
            return Optional.of(new BindResult(address, driver,
                    Optional.ofNullable(record.getProperty("previousDriver")),
                    Optional.ofNullable(record.getProperty("previousDriverOverride")), true));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("damaged bind record " + file + ": " + e.getMessage()
                    + "; delete it and run dmactl unbind again", e);
        }
    }

    /** Forgets the record of {@code address}; nothing happens when there is none. */
    public void delete(PciAddress address) {
        try {
            Files.deleteIfExists(path(address));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the bind record " + path(address) + ": " + e, e);
        }
    }
}
