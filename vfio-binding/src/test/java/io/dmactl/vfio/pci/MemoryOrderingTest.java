package io.dmactl.vfio.pci;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The architecture check: x86-64 under either of its os.arch names, nothing else. */
class MemoryOrderingTest {

    @Test
    void onlyX86_64IsSupported() {
        assertTrue(MemoryOrdering.supported("amd64"));
        assertTrue(MemoryOrdering.supported("x86_64"));
        for (String arch : new String[] {"aarch64", "arm", "riscv64", "ppc64le", "ppc64", "s390x", "x86", "i386", "AMD64", ""}) {
            assertFalse(MemoryOrdering.supported(arch), arch);
        }
    }

    @Test
    void theRefusalNamesWhatWasRefusedTheArchitectureAndWhy() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
            () -> MemoryOrdering.requireSupported("aarch64", "device 0000:00:04.0 region 0"));
        assertEquals("device 0000:00:04.0 region 0: refused on aarch64. dmactl orders device memory accesses (descriptors, "
            + "doorbells, status and completion reads) with Java release/acquire accesses, which is enough on x86-64 "
            + "(os.arch amd64 or x86_64) only; on aarch64 MMIO needs explicit barriers (as Linux's writel/readl add) that "
            + "dmactl does not issue yet", e.getMessage());
        assertDoesNotThrow(() -> MemoryOrdering.requireSupported("amd64", "device 0000:00:04.0 region 0"));
    }
}
