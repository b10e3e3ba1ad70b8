package io.dmactl.cli.location;

import io.dmactl.vfio.pci.PciAddress;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code ADDR/dev[:NAME][+OFFSET]}: memory only the device's own engine reaches, by offset:
 * the edu buffer ({@code 0000:00:03.0/dev+0}), an NVMe namespace ({@code 0000:00:04.0/dev:ns1+0}).
 * Without a name it is the engine's first (usually only) private space.
 *
 * @param device      the PCI function whose engine owns the space
 * @param spaceName   which of the engine's spaces, when it has several; empty for the first
 * @param offsetBytes where in the space the transfer starts
 */
public record PrivateSpaceSpec(PciAddress device, Optional<String> spaceName, long offsetBytes)
        implements LocationSpec {

    public PrivateSpaceSpec {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(spaceName, "spaceName");
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
        return device + "/dev" + spaceName.map(name -> ":" + name).orElse("") + "+0x" + Long.toHexString(offsetBytes);
    }
}
