// Written by hand in jextract's style: jextract was not available where this was added (see
// native-headers/README.md). layout-probe.c checks every size, offset and constant against the
// C compiler's view of <linux/idxd.h> (GeneratedLayoutTest), as for the generated classes.

package io.dmactl.vfio.ffi;

import java.lang.foreign.*;

import static java.lang.foreign.MemoryLayout.PathElement.*;

/**
 * {@snippet lang=c :
 * struct dsa_hw_desc {
 *     uint32_t pasid : 20;
 *     uint32_t rsvd : 11;
 *     uint32_t priv : 1;
 *     uint32_t flags : 24;
 *     uint32_t opcode : 8;
 *     uint64_t completion_addr;
 *     union { uint64_t src_addr; uint64_t rdback_addr; uint64_t pattern; uint64_t desc_list_addr; };
 *     union { uint64_t dst_addr; uint64_t rdback_addr2; uint64_t src2_addr; uint64_t comp_pattern; };
 *     union { uint32_t xfer_size; uint32_t desc_count; };
 *     uint16_t int_handle;
 *     uint16_t rsvd1;
 *     union { uint8_t expected_res; ...; uint64_t dest2; struct { uint32_t crc_seed; uint32_t crc_rsvd; uint64_t seed_addr; }; ...;
 *             uint8_t op_specific[24]; };
 * } __attribute__((packed))
 * }
 * Bitfields are padding here, as jextract emits them; {@link Idxd} has their masks, probed.
 */
public class dsa_hw_desc {

    dsa_hw_desc() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.paddingLayout(8),
        Native.C_LONG.withName("completion_addr"),
        MemoryLayout.unionLayout(
            Native.C_LONG.withName("src_addr"),
            Native.C_LONG.withName("rdback_addr"),
            Native.C_LONG.withName("pattern"),
            Native.C_LONG.withName("desc_list_addr")
        ).withName("$anon$15:2"),
        MemoryLayout.unionLayout(
            Native.C_LONG.withName("dst_addr"),
            Native.C_LONG.withName("rdback_addr2"),
            Native.C_LONG.withName("src2_addr"),
            Native.C_LONG.withName("comp_pattern")
        ).withName("$anon$21:2"),
        MemoryLayout.unionLayout(
            Native.C_INT.withName("xfer_size"),
            Native.C_INT.withName("desc_count")
        ).withName("$anon$27:2"),
        Native.C_SHORT.withName("int_handle"),
        Native.C_SHORT.withName("rsvd1"),
        MemoryLayout.unionLayout(
            Native.C_CHAR.withName("expected_res"),
            Native.C_LONG.withName("dest2"),
            MemoryLayout.structLayout(
                Native.C_INT.withName("crc_seed"),
                Native.C_INT.withName("crc_rsvd"),
                Native.C_LONG.withName("seed_addr")
            ).withName("$anon$45:3"),
            MemoryLayout.sequenceLayout(24, Native.C_CHAR).withName("op_specific")
        ).withName("$anon$33:2")
    ).withName("dsa_hw_desc");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final long completion_addr$OFFSET = $LAYOUT.byteOffset(groupElement("completion_addr"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint64_t completion_addr
     * }
     */
    public static final long completion_addr$offset() {
        return completion_addr$OFFSET;
    }

    private static final long src_addr$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$15:2"), groupElement("src_addr"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint64_t src_addr
     * }
     */
    public static final long src_addr$offset() {
        return src_addr$OFFSET;
    }

    private static final long pattern$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$15:2"), groupElement("pattern"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint64_t pattern
     * }
     */
    public static final long pattern$offset() {
        return pattern$OFFSET;
    }

    private static final long desc_list_addr$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$15:2"), groupElement("desc_list_addr"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint64_t desc_list_addr
     * }
     */
    public static final long desc_list_addr$offset() {
        return desc_list_addr$OFFSET;
    }

    private static final long dst_addr$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$21:2"), groupElement("dst_addr"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint64_t dst_addr
     * }
     */
    public static final long dst_addr$offset() {
        return dst_addr$OFFSET;
    }

    private static final long src2_addr$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$21:2"), groupElement("src2_addr"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint64_t src2_addr
     * }
     */
    public static final long src2_addr$offset() {
        return src2_addr$OFFSET;
    }

    private static final long comp_pattern$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$21:2"), groupElement("comp_pattern"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint64_t comp_pattern
     * }
     */
    public static final long comp_pattern$offset() {
        return comp_pattern$OFFSET;
    }

    private static final long xfer_size$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$27:2"), groupElement("xfer_size"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint32_t xfer_size
     * }
     */
    public static final long xfer_size$offset() {
        return xfer_size$OFFSET;
    }

    private static final long desc_count$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$27:2"), groupElement("desc_count"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint32_t desc_count
     * }
     */
    public static final long desc_count$offset() {
        return desc_count$OFFSET;
    }

    private static final long int_handle$OFFSET = $LAYOUT.byteOffset(groupElement("int_handle"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint16_t int_handle
     * }
     */
    public static final long int_handle$offset() {
        return int_handle$OFFSET;
    }

    private static final long expected_res$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$33:2"), groupElement("expected_res"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint8_t expected_res
     * }
     */
    public static final long expected_res$offset() {
        return expected_res$OFFSET;
    }

    private static final long dest2$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$33:2"), groupElement("dest2"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint64_t dest2
     * }
     */
    public static final long dest2$offset() {
        return dest2$OFFSET;
    }

    private static final long crc_seed$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$33:2"), groupElement("$anon$45:3"), groupElement("crc_seed"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint32_t crc_seed
     * }
     */
    public static final long crc_seed$offset() {
        return crc_seed$OFFSET;
    }

    /** Size of this struct in bytes. */
    public static long sizeof() {
        return layout().byteSize();
    }
}
