package io.dmactl.vfio.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PciResourceTest {

    private static final String ZERO = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";

    /** A virtio device's resource file as read on the development VM (kernel without SR-IOV: 7 lines). */
    private static final String VIRTIO_7_LINES =
            "0x0000004000000000 0x000000400007ffff 0x0000000000140204\n" + ZERO.repeat(6);

    @Test
    void parsesA64BitNonPrefetchableMemoryBarFromARealFile() {
        List<PciResource> resources = PciResource.parseResourceFile(VIRTIO_7_LINES);
        assertEquals(1, resources.size());
        PciResource bar0 = resources.getFirst();
        assertEquals(0, bar0.index());
        assertEquals(0x40_0000_0000L, bar0.startAddress());
        assertEquals(0x40_0007_ffffL, bar0.endAddress());
        assertEquals(512 * 1024, bar0.sizeBytes());
        assertTrue(bar0.isBar() && bar0.isMemory() && bar0.is64Bit());
        assertFalse(bar0.isPrefetchable() || bar0.isIo() || bar0.isRom() || bar0.isReadOnly() || bar0.isUnassigned());
        assertEquals("mem 64-bit", bar0.flagsDescription());
    }

    @Test
    void keepsSlotNumbersAcrossUnusedSlotsAndDecodesEachKind() {
        // e1000e on q35: BAR0/1/3 32-bit memory, BAR2 I/O ports, ROM in slot 6, then SR-IOV slots.
        String file = line(0xfebc0000L, 0xfebdffffL, 0x40200) + line(0xfeba0000L, 0xfebbffffL, 0x40200)
                + line(0xc040, 0xc05f, 0x40101) + line(0xfebf0000L, 0xfebf3fffL, 0x40200) + ZERO + ZERO
                + line(0xfeb40000L, 0xfeb7ffffL, 0x46200) + ZERO.repeat(6);
        List<PciResource> resources = PciResource.parseResourceFile(file);
        assertEquals(List.of(0, 1, 2, 3, 6), resources.stream().map(PciResource::index).toList());

        PciResource io = resources.get(2);
        assertTrue(io.isIo() && io.isBar());
        assertFalse(io.isMemory() || io.is64Bit());
        assertEquals(32, io.sizeBytes());
        assertEquals("io", io.flagsDescription());

        PciResource mem32 = resources.get(0);
        assertTrue(mem32.isMemory());
        assertFalse(mem32.is64Bit() || mem32.isPrefetchable());
        assertEquals(128 * 1024, mem32.sizeBytes());

        PciResource rom = resources.get(4);
        assertTrue(rom.isRom() && rom.isReadOnly() && rom.isMemory());
        assertFalse(rom.isBar());
        assertEquals(256 * 1024, rom.sizeBytes());
    }

    @Test
    void decodesA64BitPrefetchableBarAboveFourGiB() {
        // nvme CMB in BAR2: the upper half of the 64-bit BAR (slot 3) reads as zeros.
        String file = line(0xfebf4000L, 0xfebf7fffL, 0x140204) + ZERO + line(0x800000000L, 0x803ffffffL, 0x14220c)
                + ZERO.repeat(10);
        PciResource cmb = PciResource.parseResourceFile(file).get(1);
        assertEquals(2, cmb.index());
        assertEquals(64L << 20, cmb.sizeBytes());
        assertTrue(cmb.isMemory() && cmb.is64Bit() && cmb.isPrefetchable());
        assertEquals("mem 64-bit prefetchable", cmb.flagsDescription());
    }

    @Test
    void slotsPastTheRomAreNeitherBarNorRom() {
        String file = ZERO.repeat(15) + line(0x808000000L, 0x8081fffffL, 0x102201) + ZERO;
        PciResource window = PciResource.parseResourceFile(file).getFirst();
        assertEquals(15, window.index());
        assertFalse(window.isBar() || window.isRom());
        assertTrue(window.isPrefetchable() && window.is64Bit());
    }

    @Test
    void unassignedFlagIsReported() {
        PciResource unset = PciResource.parseResourceFile(line(0, 0xfff, 0x20040200L)).getFirst();
        assertEquals(4096, unset.sizeBytes());
        assertTrue(unset.isUnassigned());
        assertEquals("mem 32-bit unassigned", unset.flagsDescription());
    }

    @Test
    void anAllZeroFileHasNoResources() {
        assertEquals(List.of(), PciResource.parseResourceFile(ZERO.repeat(13)));
    }

    @Test
    void rejectsALineWithTooFewFieldsNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PciResource.parseResourceFile(ZERO + "0x0000000000001000 0x0000000000001fff\n"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("2 fields"), e.getMessage());
    }

    @Test
    void rejectsNonHexFieldsNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PciResource.parseResourceFile("0x00000000fea00000 0xzz 0x0000000000040200\n"));
        assertTrue(e.getMessage().contains("'0xzz'") && e.getMessage().contains("line 1"), e.getMessage());
        IllegalArgumentException noPrefix = assertThrows(IllegalArgumentException.class,
                () -> PciResource.parseResourceFile("fea00000 feafffff 40200\n"));
        assertTrue(noPrefix.getMessage().contains("'fea00000'"), noPrefix.getMessage());
    }

    @Test
    void rejectsAWindowThatEndsBeforeItStarts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PciResource.parseResourceFile(line(0x2000, 0x1000, 0x40200)));
        assertTrue(e.getMessage().contains("0x1000") && e.getMessage().contains("0x2000"), e.getMessage());
    }

    private static String line(long start, long end, long flags) {
        return String.format("0x%016x 0x%016x 0x%016x\n", start, end, flags);
    }
}
