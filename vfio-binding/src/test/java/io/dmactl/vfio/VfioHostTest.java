package io.dmactl.vfio;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The VFIO layer's behaviour on a machine with or without VFIO, no device needed. */
class VfioHostTest {

    @Test
    void containerOpensOrSaysWhyNot() {
        if (Files.exists(Path.of("/dev/vfio/vfio"))) {
            try (VfioContainer container = VfioContainer.open()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, container::iommuInfo);
                assertTrue(e.getMessage().contains("attach a group"), e.getMessage());
            }
        } else {
            NativeCallException e = assertThrows(NativeCallException.class, VfioContainer::open);
            assertEquals("open on /dev/vfio/vfio failed: ENOENT (2) No such file or directory", e.getMessage());
        }
    }

    @Test
    void malformedPciAddressesAreRejectedBeforeTheKernelSeesThem() {
        // No container is needed: the address is checked before the group touches anything.
        VfioGroup group = new VfioGroup(null, 7, -1, "/dev/vfio/7");
        for (String bad : new String[] {"00:03.0", "0000:00:03.8", "0000:00:3.0", "0000:00:03.0 ", "0000:00:20.0",
                "0000:00:0G.0", "0000:00:03.A", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> group.openDevice(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> group.openDevice(null));
    }
}
