package io.dmactl.vfio;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IommuInfoTest {
    // What intel-iommu with a 39-bit address width reports on x86: everything but the MSI window.
    private static final IommuInfo X86 = new IommuInfo(0x40201000L,
            List.of(new IovaRange(0, 0xfedfffffL), new IovaRange(0xfef00000L, 0x7fffffffffL)),
            OptionalLong.of(65535));

    @Test
    void rangesAreInclusiveAndExcludeTheMsiWindow() {
        assertTrue(X86.isValidIova(0x100000, 0x200000));
        assertTrue(X86.isValidIova(0xfedff000L, 0x1000));
        assertFalse(X86.isValidIova(0xfedff000L, 0x2000), "crosses into the MSI window");
        assertFalse(X86.isValidIova(0xfee00000L, 0x1000), "inside the MSI window");
        assertTrue(X86.isValidIova(0xfef00000L, 0x1000));
        assertTrue(X86.isValidIova(0x7ffffff000L, 0x1000));
        assertFalse(X86.isValidIova(0x7ffffff000L, 0x2000), "past the 39-bit end");
    }

    @Test
    void emptyAndWrappingLengthsAreNeverValid() {
        IovaRange all = new IovaRange(0, -1L);
        assertTrue(all.contains(-4096L, 4096));
        assertFalse(all.contains(-4096L, 8192), "wraps past 2^64");
        assertFalse(all.contains(0, 0));
        assertFalse(all.contains(0, -1));
    }

    @Test
    void smallestPageSizeComesFromTheBitmask() {
        assertEquals(4096, X86.minPageSizeBytes());
    }

    @Test
    void invertedRangeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new IovaRange(0x2000, 0x1000));
        assertTrue(e.getMessage().contains("0x2000") && e.getMessage().contains("0x1000"), e.getMessage());
        assertEquals("[0x0-0xfedfffff]", X86.validIovaRanges().getFirst().toString());
    }
}
