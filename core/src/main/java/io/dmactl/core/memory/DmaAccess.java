package io.dmactl.core.memory;

/** What a device may do with an IOMMU mapping (the VFIO map flags READ / WRITE, device's view). */
public enum DmaAccess {
    /** The device reads the memory (a source). */
    DEVICE_READS(true, false),
    /** The device writes the memory (a destination). */
    DEVICE_WRITES(false, true),
    /** The device reads and writes the memory. */
    DEVICE_READS_AND_WRITES(true, true);

    private final boolean deviceReads;
    private final boolean deviceWrites;

    DmaAccess(boolean deviceReads, boolean deviceWrites) {
        this.deviceReads = deviceReads;
        this.deviceWrites = deviceWrites;
    }

    /**
     * Whether the device may read the memory.
     *
     * @return true if it may read
     */
    public boolean deviceReads() {
        return deviceReads;
    }

    /**
     * Whether the device may write the memory.
     *
     * @return true if it may write
     */
    public boolean deviceWrites() {
        return deviceWrites;
    }
}
