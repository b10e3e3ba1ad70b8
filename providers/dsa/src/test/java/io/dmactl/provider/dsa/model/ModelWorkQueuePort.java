package io.dmactl.provider.dsa.model;

import io.dmactl.provider.dsa.WorkQueuePort;

import java.lang.foreign.MemorySegment;

/** The provider's port onto a {@link DsaDeviceModel}: its descriptor stream stands in for the work-queue file. */
public final class ModelWorkQueuePort implements WorkQueuePort {
    private final DsaDeviceModel model;
    private boolean closed;

    public ModelWorkQueuePort(DsaDeviceModel model) {
        this.model = model;
    }

    @Override
    public long write(MemorySegment descriptors, long offsetBytes, long byteCount) {
        if (closed) {
            return -9; // EBADF
        }
        return model.write(descriptors, offsetBytes, byteCount);
    }

    @Override
    public String submission() {
        return "write(2) on the device model " + model.name() + " (" + (model.config().dedicated() ? "dedicated" : "shared")
            + " queue, " + model.config().sizeEntries() + " entries)";
    }

    @Override
    public String softwareError() {
        return model.softwareError();
    }

    @Override
    public void close() {
        closed = true;
    }
}
