package io.dmactl.cli.location;

import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciResource;

import java.util.Objects;

/**
 * {@code ADDR/barN[+OFFSET]}: a window into BAR {@code N} of a PCI function, e.g.
 * {@code 0000:00:05.0/bar2+0x1000} (ivshmem's shared memory, 4 KiB in).
 *
 * @param device      the PCI function
 * @param barIndex    the standard BAR, 0-5
 * @param offsetBytes where in the BAR the transfer starts
 */
public record WindowSpec(PciAddress device, int barIndex, long offsetBytes) implements LocationSpec {

    public WindowSpec {
        Objects.requireNonNull(device, "device");
        if (barIndex < 0 || barIndex >= PciResource.BAR_COUNT) {
            throw new IllegalArgumentException("BAR index " + barIndex + " is out of range (0-5)");
        }
        if (offsetBytes < 0) {
            throw new IllegalArgumentException("offset " + offsetBytes + " is negative");
        }
    }

    @Override
    public boolean isHostMemory() {
        return false;
    }

    @Override
    public String toString() {
        return device + "/bar" + barIndex + "+0x" + Long.toHexString(offsetBytes);
    }
}
