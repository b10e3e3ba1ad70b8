// Written by hand in jextract's style: jextract was not available where this was added (see
// native-headers/README.md). layout-probe.c checks every size, offset and constant against the
// C compiler's view of <linux/idxd.h> (GeneratedLayoutTest), as for the generated classes.

package io.dmactl.vfio.ffi;

import java.lang.foreign.*;

import static java.lang.foreign.MemoryLayout.PathElement.*;

/**
 * {@snippet lang=c :
 * struct dsa_completion_record {
 *     volatile uint8_t status;
 *     union { uint8_t result; uint8_t dif_status; };
 *     uint16_t rsvd;
 *     uint32_t bytes_completed;
 *     uint64_t fault_addr;
 *     union { struct { uint32_t invalid_flags : 24; uint32_t rsvd2 : 8; }; uint32_t delta_rec_size; uint64_t crc_val; ...;
 *             uint8_t op_specific[16]; };
 * } __attribute__((packed))
 * }
 * The invalid_flags bitfield is padding here, as jextract emits bitfields; {@link Idxd} has its mask, probed.
 */
public class dsa_completion_record {

    dsa_completion_record() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        Native.C_CHAR.withName("status"),
        MemoryLayout.unionLayout(
            Native.C_CHAR.withName("result"),
            Native.C_CHAR.withName("dif_status")
        ).withName("$anon$260:2"),
        Native.C_SHORT.withName("rsvd"),
        Native.C_INT.withName("bytes_completed"),
        Native.C_LONG.withName("fault_addr"),
        MemoryLayout.unionLayout(
            Native.C_INT.withName("delta_rec_size"),
            Native.C_LONG.withName("crc_val"),
            MemoryLayout.sequenceLayout(16, Native.C_CHAR).withName("op_specific")
        ).withName("$anon$268:2")
    ).withName("dsa_completion_record");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final long status$OFFSET = $LAYOUT.byteOffset(groupElement("status"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint8_t status
     * }
     */
    public static final long status$offset() {
        return status$OFFSET;
    }

    private static final long result$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$260:2"), groupElement("result"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint8_t result
     * }
     */
    public static final long result$offset() {
        return result$OFFSET;
    }

    private static final long bytes_completed$OFFSET = $LAYOUT.byteOffset(groupElement("bytes_completed"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint32_t bytes_completed
     * }
     */
    public static final long bytes_completed$offset() {
        return bytes_completed$OFFSET;
    }

    private static final long fault_addr$OFFSET = $LAYOUT.byteOffset(groupElement("fault_addr"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint64_t fault_addr
     * }
     */
    public static final long fault_addr$offset() {
        return fault_addr$OFFSET;
    }

    private static final long crc_val$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$268:2"), groupElement("crc_val"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint64_t crc_val
     * }
     */
    public static final long crc_val$offset() {
        return crc_val$OFFSET;
    }

    private static final long invalid_flags_word$OFFSET = $LAYOUT.byteOffset(groupElement("$anon$268:2"), groupElement("delta_rec_size"));

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint32_t (invalid_flags : 24, rsvd2 : 8) invalid_flags_word
     * }
     */
    public static final long invalid_flags_word$offset() {
        return invalid_flags_word$OFFSET;
    }

    /** Size of this struct in bytes. */
    public static long sizeof() {
        return layout().byteSize();
    }
}
