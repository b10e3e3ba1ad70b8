package io.dmactl.vfio;

import io.dmactl.vfio.ffi.vfio_info_cap_header;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a VFIO capability chain: {@code vfio_info_cap_header}s linked by {@code next},
 * each an offset from the start of the info buffer, ending at 0.
 */
final class CapabilityChain {
    private CapabilityChain() {
    }

    /**
     * The offsets of the capability headers in {@code info}, in chain order.
     *
     * @param firstOffset the info struct's {@code cap_offset} (0: no capabilities)
     * @param subject     what the info is about, for the message if the chain is corrupt
     */
    static List<Integer> offsets(MemorySegment info, int firstOffset, String subject) {
        List<Integer> offsets = new ArrayList<>();
        long headerBytes = vfio_info_cap_header.sizeof();
        int offset = firstOffset;
        while (offset != 0) {
            // Offsets only grow, 4-byte aligned, in a well-formed chain; anything else would loop or
            // read outside the buffer.
            int previous = offsets.isEmpty() ? 0 : offsets.getLast();
            if (offset <= previous || offset % Integer.BYTES != 0 || offset + headerBytes > info.byteSize()) {
                throw new VfioException("corrupt capability chain from the kernel for " + subject + ": offset "
                        + offset + " after " + previous + " in a " + info.byteSize() + "-byte buffer");
            }
            offsets.add(offset);
            offset = vfio_info_cap_header.next(info.asSlice(offset, headerBytes));
        }
        return offsets;
    }

    /**
     * The capability at {@code offset} (header included), copied to 8-byte-aligned memory from
     * {@code arena}. The kernel packs capabilities back to back, so one that follows a 12-byte
     * capability starts only 4-byte aligned, and the generated accessors for its 64-bit fields
     * demand natural alignment.
     */
    static MemorySegment alignedCopy(MemorySegment info, int offset, Arena arena) {
        int next = vfio_info_cap_header.next(info.asSlice(offset, vfio_info_cap_header.sizeof()));
        long end = next > offset && next <= info.byteSize() ? next : info.byteSize();
        MemorySegment copy = arena.allocate(end - offset, Long.BYTES);
        copy.copyFrom(info.asSlice(offset, end - offset));
        return copy;
    }

    static int id(MemorySegment info, int offset) {
        return Short.toUnsignedInt(vfio_info_cap_header.id(info.asSlice(offset, vfio_info_cap_header.sizeof())));
    }

    static int version(MemorySegment info, int offset) {
        return Short.toUnsignedInt(vfio_info_cap_header.version(info.asSlice(offset, vfio_info_cap_header.sizeof())));
    }
}
