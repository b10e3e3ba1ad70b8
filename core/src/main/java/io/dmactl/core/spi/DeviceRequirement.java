package io.dmactl.core.spi;

import java.util.List;

/**
 * What a provider needs to open an engine: nothing (a software engine, opened once per runtime)
 * or one PCI function bound to vfio-pci matching one of {@link #matches()} (one engine per
 * matching function).
 */
public record DeviceRequirement(List<PciMatch> matches) {

    public DeviceRequirement {
        matches = List.copyOf(matches);
    }

    /** A software engine: needs no device. */
    public static DeviceRequirement none() {
        return new DeviceRequirement(List.of());
    }

    /** A device engine: one per PCI function matching any of {@code matches}. */
    public static DeviceRequirement pci(PciMatch... matches) {
        if (matches.length == 0) {
            throw new IllegalArgumentException("a PCI requirement needs at least one match");
        }
        return new DeviceRequirement(List.of(matches));
    }

    public boolean needsDevice() {
        return !matches.isEmpty();
    }

    public boolean matches(int vendor, int device, int classCode) {
        for (PciMatch m : matches) {
            if (m.matches(vendor, device, classCode)) {
                return true;
            }
        }
        return false;
    }
}
