package io.dmactl.provider.nvme;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Identify Controller and Namespace data at the spec's byte offsets, and the limits derived from them. */
class IdentifyParsingTest {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void controllerIdentity() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(4096);
            MemorySegment.copy("dmactl-testbed-0    ".getBytes(StandardCharsets.US_ASCII), 0, data, ValueLayout.JAVA_BYTE, 4, 20);
            MemorySegment.copy("QEMU NVMe Ctrl".getBytes(StandardCharsets.US_ASCII), 0, data, ValueLayout.JAVA_BYTE, 24, 14);
            data.set(ValueLayout.JAVA_BYTE, 77, (byte) 7);
            data.set(U32, 516, 256);
            data.set(U16, 520, (short) 0x15d);
            ControllerIdentity id = ControllerIdentity.parse(data, 4096);
            assertEquals("dmactl-testbed-0", id.serial());
            assertEquals("QEMU NVMe Ctrl", id.model());
            assertEquals(512 * 1024, id.maxTransferBytes(), "MDTS 7 of 4 KiB pages");
            assertEquals(256, id.namespaces());
            assertTrue(id.copySupported(), "ONCS bit 8");
            data.set(U16, 520, (short) 0x05d);
            data.set(ValueLayout.JAVA_BYTE, 77, (byte) 0);
            ControllerIdentity noCopy = ControllerIdentity.parse(data, 4096);
            assertFalse(noCopy.copySupported());
            assertEquals(0, noCopy.maxTransferBytes(), "MDTS 0: no limit");
        }
    }

    @Test
    void namespaceWithCopyLimits() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(4096);
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 131072L);
            data.set(ValueLayout.JAVA_BYTE, 26, (byte) 1); // format 1
            data.set(U32, 128, 9 << 16);                  // format 0: 512 bytes
            data.set(U32, 132, 12 << 16);                 // format 1: 4096 bytes
            data.set(U16, 74, (short) 128);
            data.set(U32, 76, 1024);
            data.set(ValueLayout.JAVA_BYTE, 80, (byte) 7);
            NvmeNamespace ns = NvmeNamespace.parse(1, data, true);
            assertEquals(4096, ns.blockBytes(), "the formatted LBA format, not format 0");
            assertEquals(131072L * 4096, ns.sizeBytes());
            assertEquals(128, ns.maxSingleRangeBlocks());
            assertEquals(8, ns.maxSourceRanges(), "MSRC is 0's based");
            assertEquals(1024, ns.maxCopyBlocks());
            assertEquals(1024L * 4096, ns.maxCopyBytes(), "min(MCL, ranges * MSSRL) blocks");
            assertFalse(NvmeNamespace.parse(1, data, false).copySupported(), "no ONCS Copy: no Copy");
            data.set(U16, 74, (short) 0);
            assertFalse(NvmeNamespace.parse(1, data, true).copySupported(), "a namespace without copy limits refuses Copy");
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0L);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NvmeNamespace.parse(1, data, true));
            assertTrue(e.getMessage().contains("NSZE 0"), e.getMessage());
        }
    }

    @Test
    void readsAndWritesAreBoundByMdtsAndCopiesByTheirOwnLimits() {
        ControllerIdentity mdts512k = new ControllerIdentity("s", "m", "f", 512 * 1024, 1, true);
        NvmeNamespace fourRanges = new NvmeNamespace(1, 1000, 512, true, 128, 4, 1024);
        assertEquals(512 * 1024, NvmeEngine.maxTransferBytes(mdts512k, fourRanges), "MDTS alone bounds a read or write");
        assertEquals(256 * 1024, NvmeEngine.maxCopyBytes(fourRanges), "copy: 4 ranges of 128 blocks, below MCL");
        NvmeNamespace mclBound = new NvmeNamespace(1, 1 << 20, 512, true, 4096, 8, 2048);
        assertEquals(1024 * 1024, NvmeEngine.maxCopyBytes(mclBound), "MCL 2048 blocks, above MDTS: a Copy is no PRP transfer");
        assertEquals(512 * 1024, NvmeEngine.maxTransferBytes(mdts512k, mclBound));
        NvmeNamespace noCopy = new NvmeNamespace(1, 1000, 512, false, 0, 1, 0);
        assertEquals(512 * 1024, NvmeEngine.maxTransferBytes(mdts512k, noCopy));
        assertEquals(0, NvmeEngine.maxCopyBytes(noCopy), "no Copy: no copy inside the namespace at all");
        ControllerIdentity unlimited = new ControllerIdentity("s", "m", "f", 0, 1, false);
        assertEquals(Prp.MAX_TRANSFER_BYTES, NvmeEngine.maxTransferBytes(unlimited, noCopy));
    }

    @Test
    void copyRangesAreCappedAtWhatOnePageHolds() {
        NvmeNamespace msrc255 = new NvmeNamespace(1, 1 << 24, 512, true, 8, 256, 100_000);
        assertEquals(128, msrc255.copyRangesPerCommand(), "4096-byte page / 32-byte descriptors");
        assertEquals(128L * 8 * 512, msrc255.maxCopyBytes());
        NvmeNamespace hugeMcl = new NvmeNamespace(1, 1L << 40, 512, true, 0xffff, 128, -1); // MCL 0xffffffff
        assertEquals(128L * 0xffff * 512, hugeMcl.maxCopyBytes(), "MCL is unsigned: 2^32-1 blocks, not -1");
        assertEquals(Integer.MAX_VALUE / 512 * 512, NvmeEngine.maxCopyBytes(hugeMcl), "capped to an int op, whole blocks");
    }
}
