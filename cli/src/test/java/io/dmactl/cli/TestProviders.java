package io.dmactl.cli;

import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.PciMatch;

/**
 * Providers for tests of listing and matching: they declare devices like real ones but can
 * never be opened (no test here opens a device engine), so a test that reached open would fail loudly.
 */
public final class TestProviders {

    private TestProviders() {
    }

    /** Declares QEMU's edu device, 1234:11e8. */
    public static DmaProvider edu() {
        return declaring("edu", DeviceRequirement.pci(PciMatch.ofId(0x1234, 0x11e8)));
    }

    /** Declares every NVMe controller by class code 01 08 02. */
    public static DmaProvider nvme() {
        return declaring("nvme", DeviceRequirement.pci(PciMatch.ofClass(0x010802, 0xffffff)));
    }

    private static DmaProvider declaring(String name, DeviceRequirement devices) {
        return new DmaProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DeviceRequirement devices() {
                return devices;
            }

            @Override
            public DmaEngine open(EngineContext context) {
                throw new AssertionError("test provider " + name + " must not be opened");
            }
        };
    }
}
