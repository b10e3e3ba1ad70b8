package io.dmactl.vfio;

import io.dmactl.vfio.ffi.vfio_info_cap_header;
import io.dmactl.vfio.ffi.vfio_iommu_type1_info_cap_iova_range;
import io.dmactl.vfio.ffi.vfio_iova_range;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapabilityChainTest {

    private static void header(MemorySegment info, int offset, int id, int version, int next) {
        MemorySegment cap = info.asSlice(offset, vfio_info_cap_header.sizeof());
        vfio_info_cap_header.id(cap, (short) id);
        vfio_info_cap_header.version(cap, (short) version);
        vfio_info_cap_header.next(cap, next);
    }

    @Test
    void walksTheChainInOrder() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(96, 8);
            header(info, 32, 1, 1, 64);
            header(info, 64, 3, 2, 0);
            assertEquals(List.of(32, 64), CapabilityChain.offsets(info, 32, "test"));
            assertEquals(3, CapabilityChain.id(info, 64));
            assertEquals(2, CapabilityChain.version(info, 64));
            assertEquals(List.of(), CapabilityChain.offsets(info, 0, "test"));
        }
    }

    /** As VFIO_IOMMU_GET_INFO lays it out: a 12-byte DMA_AVAIL cap, then the IOVA ranges at 4 mod 8. */
    @Test
    void capabilityAfterATwelveByteOneIsCopiedAligned() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(24 + 12 + 32, 8);
            header(info, 24, 3, 1, 36);
            header(info, 36, 1, 1, 0);
            info.set(ValueLayout.JAVA_INT_UNALIGNED, 36 + 8, 1);
            info.set(ValueLayout.JAVA_LONG_UNALIGNED, 36 + 16, 0xfef00000L);
            info.set(ValueLayout.JAVA_LONG_UNALIGNED, 36 + 24, 0x7fffffffffL);
            assertThrows(IllegalArgumentException.class,
                    () -> vfio_iova_range.start(info.asSlice(36 + 16, 16)), "the raw slice is misaligned");

            MemorySegment cap = CapabilityChain.alignedCopy(info, 36, arena);
            assertEquals(0, cap.address() % 8);
            assertEquals(32, cap.byteSize());
            assertEquals(1, vfio_iommu_type1_info_cap_iova_range.nr_iovas(cap));
            MemorySegment range = cap.asSlice(vfio_iommu_type1_info_cap_iova_range.iova_ranges$offset(), 16);
            assertEquals(0xfef00000L, vfio_iova_range.start(range));
            assertEquals(0x7fffffffffL, vfio_iova_range.end(range));
            assertEquals(12, CapabilityChain.alignedCopy(info, 24, arena).byteSize());
        }
    }

    @Test
    void loopsAndOutOfBoundsOffsetsAreReported() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(96, 8);
            header(info, 32, 1, 1, 32);
            VfioException loop = assertThrows(VfioException.class, () -> CapabilityChain.offsets(info, 32, "region 0"));
            assertTrue(loop.getMessage().contains("region 0") && loop.getMessage().contains("offset 32"),
                    loop.getMessage());
            header(info, 32, 1, 1, 92);
            assertThrows(VfioException.class, () -> CapabilityChain.offsets(info, 32, "region 0"));
            header(info, 32, 1, 1, 42);
            assertThrows(VfioException.class, () -> CapabilityChain.offsets(info, 32, "region 0"));
        }
    }
}
