package io.dmactl.core.memory;

/** What a device may do with an IOMMU mapping (the VFIO map flags READ / WRITE, device's view). */
public enum DmaAccess {
    DEVICE_READS(true, false),
    DEVICE_WRITES(false, true),
    DEVICE_READS_AND_WRITES(true, true);

    private final boolean deviceReads;
    private final boolean deviceWrites;

    DmaAccess(boolean deviceReads, boolean deviceWrites) {
        this.deviceReads = deviceReads;
        this.deviceWrites = deviceWrites;
    }

    public boolean deviceReads() {
        return deviceReads;
    }

    public boolean deviceWrites() {
        return deviceWrites;
    }
}
