package io.dmactl.cli.location;

import io.dmactl.cli.output.UserText;

import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code file:PATH}: a host file. As a source it is read into a DMA buffer before the transfer;
 * as a destination the transfer lands in a DMA buffer that is then written to the file
 * (created or truncated). Everything after {@code file:} is the path, so it takes no offset:
 * a {@code +} in a file name is just a character.
 *
 * @param path the file, as given (relative paths are relative to the working directory)
 */
public record FileSpec(Path path) implements LocationSpec {

    public FileSpec {
        Objects.requireNonNull(path, "path");
    }

    @Override
    public long offsetBytes() {
        return 0;
    }

    @Override
    public boolean isHostMemory() {
        return true;
    }

    @Override
    public String shown() {
        return "file:" + UserText.quote(path.toString());
    }

    @Override
    public String toString() {
        return "file:" + path;
    }
}
