package io.dmactl.cli.location;

/**
 * A location as written on the command line, parsed but not yet resolved: nothing about the
 * machine has been looked at. {@link LocationParser} makes them; the {@code copy} command
 * resolves them into the core's locations.
 *
 * <p>{@code toString()} gives the canonical spelling (full PCI address, hex offset), which
 * {@link LocationParser#parse} reads back to an equal spec.
 */
public sealed interface LocationSpec permits HostMemorySpec, FileSpec, WindowSpec, PrivateSpaceSpec {

    /** Where in the location the transfer starts. */
    long offsetBytes();

    /** True when the bytes live in host memory (a fresh buffer or a file staged through one). */
    boolean isHostMemory();

    /**
     * The location as messages show it: the canonical spelling, with any text the user chose
     * (a file's path) quoted by {@link io.dmactl.cli.output.UserText#quote}.
     */
    default String shown() {
        return toString();
    }
}
