package io.dmactl.provider.dsa;

import java.lang.foreign.MemorySegment;

/**
 * A dedicated work queue this process configured itself (vfio-pci): every descriptor is one
 * MOVDIR64B store into the queue's portal. The store is posted, so the queue never says "full":
 * the channel keeps at most the queue's size outstanding (see {@link DsaChannel}).
 */
final class PortalWorkQueuePort implements WorkQueuePort {
    private final DsaMmio mmio;
    private final long portalOffset;
    private final DsaVfioPath owner;
    private final String submission;

    PortalWorkQueuePort(DsaMmio mmio, int wq, DsaVfioPath owner) {
        this.mmio = mmio;
        this.portalOffset = DsaConfigTables.portalOffset(wq);
        this.owner = owner;
        this.submission = "MOVDIR64B into the portal of " + mmio.subject() + " wq " + wq + " (BAR2 + 0x" + Long.toHexString(portalOffset)
            + ", dedicated queue configured by dmactl)";
    }

    @Override
    public long write(MemorySegment descriptors, long offsetBytes, long byteCount) {
        for (long at = offsetBytes; at < offsetBytes + byteCount; at += 64) {
            mmio.portalStore(portalOffset, descriptors, at);
        }
        return byteCount;
    }

    @Override
    public String submission() {
        return submission;
    }

    @Override
    public String softwareError() {
        return owner.softwareError();
    }

    @Override
    public void close() {
    }
}
