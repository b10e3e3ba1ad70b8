package io.dmactl.cli.selftest;

/**
 * The ways {@code selftest} moves bytes through an engine. A device-private space cannot be read
 * by the CPU, so what goes into one is checked by reading it back through the same engine: those
 * routes are two DMA ops per case, and both count.
 */
public enum SelftestRoute {
    /** Host buffer to host buffer. */
    HOST_TO_HOST("host->host"),
    /** A fill of a host buffer with an 8-byte pattern. */
    FILL_HOST("fill host"),
    /** Host buffer into a device window (a BAR), checked through the CPU's mapping of the BAR. */
    HOST_TO_WINDOW("host->window"),
    /** A device window into a host buffer. */
    WINDOW_TO_HOST("window->host"),
    /** Host buffer into the engine's private memory, read back into another host buffer. */
    HOST_DEV_HOST("host->dev->host"),
    /** A device window into private memory (peer to peer), read back into a host buffer. */
    WINDOW_DEV_HOST("window->dev->host"),
    /** Host buffer into private memory, then private memory into a device window (peer to peer). */
    HOST_DEV_WINDOW("host->dev->window"),
    /**
     * Host buffer into one region of private memory, copied by the engine into another region of
     * the same memory (e.g. an NVMe Copy within a namespace), read back into a host buffer.
     */
    HOST_DEV_DEV_HOST("host->dev->dev->host");

    private final String label;

    SelftestRoute(String label) {
        this.label = label;
    }

    /** As printed in the summary table and the JSON report. */
    public String label() {
        return label;
    }

    public boolean usesWindow() {
        return this == HOST_TO_WINDOW || this == WINDOW_TO_HOST || this == WINDOW_DEV_HOST || this == HOST_DEV_WINDOW;
    }

    public boolean usesPrivateSpace() {
        return this == HOST_DEV_HOST || this == WINDOW_DEV_HOST || this == HOST_DEV_WINDOW || this == HOST_DEV_DEV_HOST;
    }

    @Override
    public String toString() {
        return label;
    }
}
