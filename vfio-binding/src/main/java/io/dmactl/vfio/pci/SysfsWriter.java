package io.dmactl.vfio.pci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one value into one sysfs attribute. {@link PciBinder} makes every change to the
 * kernel through this, so tests and dry runs can record or refuse the writes.
 */
@FunctionalInterface
public interface SysfsWriter {

    /**
     * Writes {@code value} to {@code attribute}.
     *
     * @param attribute the attribute's path
     * @param value the text to write
     * @throws java.nio.file.AccessDeniedException when the kernel refuses (not root)
     * @throws java.nio.file.NoSuchFileException   when the attribute does not exist
     */
    void write(Path attribute, String value) throws IOException;

    /**
     * Writes with one {@code write(2)}, as sysfs attributes expect. Never creates a file:
     * a missing attribute is an error, not something to invent.
     *
     * @return the writer
     */
    static SysfsWriter direct() {
        return (attribute, value) -> Files.write(attribute, value.getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
