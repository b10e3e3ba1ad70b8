package io.dmactl.provider.dsa;

import io.dmactl.vfio.PortalStores;
import io.dmactl.vfio.WorkQueueFile;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A user work queue through the kernel's idxd character device: {@code write(2)} of whole
 * descriptors, which the kernel checks and forwards to the portal. dmactl does not map the portal
 * itself: write(2) is the path every kernel since the 2024 portal-access change offers, and
 * mapping needs MOVDIR64B/ENQCMD in the CPU (reported by {@link #submission()}, not used yet).
 */
final class CdevWorkQueuePort implements WorkQueuePort {
    private final WorkQueueFile file;
    private final Path errorsFile;
    private final String submission;

    CdevWorkQueuePort(WorkQueueInfo wq, Path sysfsRoot) {
        this.file = WorkQueueFile.open(wq.devicePath());
        this.errorsFile = sysfsRoot.resolve(wq.device()).resolve("errors");
        PortalStores.Features cpu = PortalStores.features();
        this.submission = "write(2) on " + wq.devicePath() + " (" + wq.mode() + " queue, " + wq.sizeEntries() + " entries; CPU "
            + (cpu.movdir64b() ? "has" : "lacks") + " MOVDIR64B, " + (cpu.enqcmd() ? "has" : "lacks")
            + " ENQCMD: portal mapping not used)";
    }

    @Override
    public long write(MemorySegment descriptors, long offsetBytes, long byteCount) {
        return file.write(descriptors.asSlice(offsetBytes, byteCount), byteCount);
    }

    @Override
    public String submission() {
        return submission;
    }

    /** The device's SWERR as the idxd driver shows it in sysfs ({@code dsaN/errors}: four 64-bit words). */
    @Override
    public String softwareError() {
        try {
            String text = Files.readString(errorsFile).strip();
            return text.matches("[0\\s]*") ? null : "SWERR (" + errorsFile + "): " + text;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        file.close();
    }
}
