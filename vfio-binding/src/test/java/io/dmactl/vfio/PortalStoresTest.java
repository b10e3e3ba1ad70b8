package io.dmactl.vfio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Portal stores: detection by CPUID (checked against the kernel's /proc/cpuinfo flags), refusal of
 * misaligned or short ranges before any store, refusal on a CPU without the instruction, and, where
 * the CPU has MOVDIR64B, the store itself into ordinary memory. The reference VM's CPU has none of
 * them (leaf 7 ECX = 0x00405fc6): there the store test is skipped, saying so; ENQCMD's store needs
 * a PASID and a device and is never run here.
 */
class PortalStoresTest {

    private static List<String> cpuinfoFlags() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("flags")) {
                return Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
            }
        }
        throw new AssertionError("/proc/cpuinfo has no flags line");
    }

    @Test
    void cpuidRunsAsMachineCodeAndAgreesWithTheKernel() throws IOException {
        assumeTrue(MachineCode.isX86_64(), "x86-64 only");
        assertTrue(PortalStores.cpuidEax(0, 0) >= 7, "highest CPUID leaf " + PortalStores.cpuidEax(0, 0));
        PortalStores.Features features = PortalStores.features();
        assertEquals(PortalStores.cpuidEcx(7, 0), features.cpuid7Ecx());
        List<String> flags = cpuinfoFlags();
        assertEquals(flags.contains("movdiri"), features.movdiri(), "MOVDIRI: CPUID vs /proc/cpuinfo; ECX 0x"
                + Integer.toHexString(features.cpuid7Ecx()));
        assertEquals(flags.contains("movdir64b"), features.movdir64b(), "MOVDIR64B: CPUID vs /proc/cpuinfo");
        if (!features.enqcmd()) { // the kernel may hide enqcmd even when the CPU has it (no PASID support), never the reverse
            assertTrue(!flags.contains("enqcmd"), "/proc/cpuinfo lists enqcmd but CPUID leaf 7 bit 29 is clear");
        }
        // CPUID leaf 0's vendor is in EBX, EDX, ECX: ECX alone is "ntel" (Intel), "cAMD" (AMD) or another vendor's; never 0.
        assertTrue(PortalStores.cpuidEcx(0, 0) != 0, "CPUID leaf 0 ECX (vendor) is 0");
    }

    @Test
    void theEncodingsAreTheDocumentedOnes() {
        // Intel SDM: MOVDIR64B r64, m512 = 66 0F 38 F8 /r; ENQCMD r64, m512 = F2 0F 38 F8 /r; ModRM 3E = rdi, [rsi].
        assertEquals("0f ae f8 66 0f 38 f8 3e c3", MachineCode.hex(PortalStores.MOVDIR64B_CODE));
        assertEquals("0f ae f8 f2 0f 38 f8 3e 0f 94 c0 0f b6 c0 c3", MachineCode.hex(PortalStores.ENQCMD_CODE));
        assertEquals("53 89 f8 89 f1 0f a2 89 c8 5b c3", MachineCode.hex(PortalStores.CPUID_ECX_CODE));
    }

    @Test
    void misalignedShortOrHeapRangesAreRefusedBeforeAnyStore() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment portal = arena.allocate(4096, 4096);
            MemorySegment descriptor = arena.allocate(64, 64);
            for (long offset : new long[] {1, 8, 32, 63, 1000, 4032 - 16}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> PortalStores.movdir64b(portal, offset, descriptor));
                assertTrue(e.getMessage().contains("offset " + offset + ") is not 64-byte aligned"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> PortalStores.enqcmd(portal, offset, descriptor));
            }
            IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                    () -> PortalStores.movdir64b(portal, 4096, descriptor));
            assertTrue(past.getMessage().contains("offset 4096 leaves no 64 bytes"), past.getMessage());
            assertThrows(IllegalArgumentException.class, () -> PortalStores.movdir64b(portal, -64, descriptor));
            IllegalArgumentException shortDescriptor = assertThrows(IllegalArgumentException.class,
                    () -> PortalStores.movdir64b(portal, 0, descriptor.asSlice(0, 32)));
            assertTrue(shortDescriptor.getMessage().contains("32 bytes is shorter than 64"), shortDescriptor.getMessage());
            assertThrows(IllegalArgumentException.class, () -> PortalStores.movdir64b(MemorySegment.ofArray(new byte[4096]), 0,
                    descriptor));
            assertArrayEquals(new byte[4096], portal.toArray(ValueLayout.JAVA_BYTE), "a refused store wrote");
        }
    }

    @Test
    void aCpuWithoutTheInstructionIsRefusedNamingTheCpuidBit() {
        PortalStores.Features features = PortalStores.features();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment portal = arena.allocate(4096, 4096);
            MemorySegment descriptor = arena.allocate(64, 64);
            if (!features.movdir64b()) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> PortalStores.movdir64b(portal, 64, descriptor));
                assertTrue(e.getMessage().contains("no MOVDIR64B (CPUID.(EAX=7,ECX=0):ECX bit 28 is clear; ECX = 0x"
                        + Integer.toHexString(features.cpuid7Ecx())), e.getMessage());
            }
            if (!features.enqcmd()) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> PortalStores.enqcmd(portal, 64, descriptor));
                assertTrue(e.getMessage().contains("no ENQCMD (CPUID.(EAX=7,ECX=0):ECX bit 29 is clear"), e.getMessage());
            }
            assertArrayEquals(new byte[4096], portal.toArray(ValueLayout.JAVA_BYTE), "a refused store wrote");
        }
    }

    /** Only where the CPU has MOVDIR64B (not the reference VM): 64 bytes land intact at every aligned offset of a page. */
    @Test
    void movdir64bStoresSixtyFourBytesIntactAtEveryAlignedDestination() {
        assumeTrue(PortalStores.features().movdir64b(), "this CPU has no MOVDIR64B (CPUID leaf 7 ECX 0x"
                + Integer.toHexString(PortalStores.features().cpuid7Ecx()) + "): the store cannot run here");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096, 4096);
            MemorySegment descriptor = arena.allocate(64, 8);
            for (long offset = 0; offset < 4096; offset += 64) {
                for (int i = 0; i < 64; i++) {
                    descriptor.set(ValueLayout.JAVA_BYTE, i, (byte) (offset / 64 * 7 + i + 1));
                }
                page.fill((byte) 0);
                PortalStores.movdir64b(page, offset, descriptor);
                byte[] expected = new byte[4096];
                MemorySegment.copy(descriptor, ValueLayout.JAVA_BYTE, 0, expected, (int) offset, 64);
                assertArrayEquals(expected, page.toArray(ValueLayout.JAVA_BYTE), "store at offset " + offset);
            }
        }
    }
}
