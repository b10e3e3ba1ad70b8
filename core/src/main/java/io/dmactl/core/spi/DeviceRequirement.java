package io.dmactl.core.spi;

import java.util.List;

/**
 * What a provider needs to open an engine: nothing (a software engine, opened once per runtime)
 * or one PCI function bound to vfio-pci matching one of {@link #matches()} (one engine per
 * matching function).
 *
 * @param matches the PCI functions the provider drives; empty for a software engine
 */
public record DeviceRequirement(List<PciMatch> matches) {

    /** Copies {@code matches}. */
    public DeviceRequirement {
        matches = List.copyOf(matches);
    }

    /**
     * A software engine: needs no device.
     *
     * @return the requirement of a software engine
     */
    public static DeviceRequirement none() {
        return new DeviceRequirement(List.of());
    }

    /**
     * A device engine: one per PCI function matching any of {@code matches}.
     *
     * @param matches at least one match
     * @return the requirement of a device engine
     */
    public static DeviceRequirement pci(PciMatch... matches) {
        if (matches.length == 0) {
            throw new IllegalArgumentException("a PCI requirement needs at least one match");
        }
        return new DeviceRequirement(List.of(matches));
    }

    /**
     * Whether the provider drives PCI functions (false for a software engine).
     *
     * @return true if some match is given
     */
    public boolean needsDevice() {
        return !matches.isEmpty();
    }

    /**
     * Whether a PCI function with these ids is one of the provider's.
     *
     * @param vendor the function's vendor id
     * @param device the function's device id
     * @param classCode the function's 24-bit class code
     * @return true if any match accepts the function
     */
    public boolean matches(int vendor, int device, int classCode) {
        for (PciMatch m : matches) {
            if (m.matches(vendor, device, classCode)) {
                return true;
            }
        }
        return false;
    }
}
