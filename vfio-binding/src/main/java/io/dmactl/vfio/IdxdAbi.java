package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Idxd;
import io.dmactl.vfio.ffi.dsa_completion_record;
import io.dmactl.vfio.ffi.dsa_hw_desc;

/**
 * The kernel's {@code <linux/idxd.h>} formats as plain constants for providers above this module:
 * byte offsets of the DSA descriptor ({@code struct dsa_hw_desc}, 64 bytes) and completion record
 * ({@code struct dsa_completion_record}, 32 bytes), opcodes, descriptor flags and completion
 * statuses. Every value comes from the bindings in {@code io.dmactl.vfio.ffi}, which
 * GeneratedLayoutTest checks against the C compiler's view of the header.
 *
 * <pre>
 * descriptor  0: pasid:20 rsvd:11 priv:1 | 4: flags:24 opcode:8 | 8: completion_addr
 *            16: src_addr / pattern / desc_list_addr | 24: dst_addr / src2_addr / comp_pattern
 *            32: xfer_size / desc_count | 36: int_handle | 38: rsvd1
 *            40: op-specific (expected_res, dest2, crc_seed ...) .. 63
 * record      0: status (bit 7: fault on a write) | 1: result | 4: bytes_completed | 8: fault_addr
 *            16: crc_val / invalid_flags .. 31
 * </pre>
 */
public final class IdxdAbi {
    /** The size of a descriptor ({@code struct dsa_hw_desc}): 64 bytes. */
    public static final int DESCRIPTOR_BYTES = (int) dsa_hw_desc.sizeof();
    /** The size of a completion record ({@code struct dsa_completion_record}): 32 bytes. */
    public static final int RECORD_BYTES = (int) dsa_completion_record.sizeof();
    /** Completion records must be aligned to this (the device reports CRA_ALIGN through SWERR otherwise). */
    public static final int RECORD_ALIGNMENT_BYTES = RECORD_BYTES;

    /** The 32-bit word holding flags (bits 23:0) and opcode (bits 31:24). */
    public static final long DESC_FLAGS_OPCODE = 4;
    /** The position of the opcode in the word at {@link #DESC_FLAGS_OPCODE}: bit 24. */
    public static final int OPCODE_SHIFT = Long.numberOfTrailingZeros(Idxd.dsa_hw_desc_opcode_IN_WORD_4());
    /** The byte offset of the descriptor's {@code completion_addr} field. */
    public static final long DESC_COMPLETION_ADDR = dsa_hw_desc.completion_addr$offset();
    /** The byte offset of the descriptor's {@code src_addr} field. */
    public static final long DESC_SRC_ADDR = dsa_hw_desc.src_addr$offset();
    /** The byte offset of the descriptor's {@code pattern} field. */
    public static final long DESC_PATTERN = dsa_hw_desc.pattern$offset();
    /** The byte offset of the descriptor's {@code desc_list_addr} field. */
    public static final long DESC_DESC_LIST_ADDR = dsa_hw_desc.desc_list_addr$offset();
    /** The byte offset of the descriptor's {@code dst_addr} field. */
    public static final long DESC_DST_ADDR = dsa_hw_desc.dst_addr$offset();
    /** The byte offset of the descriptor's {@code src2_addr} field. */
    public static final long DESC_SRC2_ADDR = dsa_hw_desc.src2_addr$offset();
    /** The byte offset of the descriptor's {@code comp_pattern} field. */
    public static final long DESC_COMP_PATTERN = dsa_hw_desc.comp_pattern$offset();
    /** The byte offset of the descriptor's {@code xfer_size} field. */
    public static final long DESC_XFER_SIZE = dsa_hw_desc.xfer_size$offset();
    /** The byte offset of the descriptor's {@code desc_count} field. */
    public static final long DESC_DESC_COUNT = dsa_hw_desc.desc_count$offset();
    /** The byte offset of the descriptor's {@code dest2} field. */
    public static final long DESC_DEST2 = dsa_hw_desc.dest2$offset();
    /** The byte offset of the descriptor's {@code crc_seed} field. */
    public static final long DESC_CRC_SEED = dsa_hw_desc.crc_seed$offset();

    /** The byte offset of the completion record's {@code status} field. */
    public static final long REC_STATUS = dsa_completion_record.status$offset();
    /** The byte offset of the completion record's {@code result} field. */
    public static final long REC_RESULT = dsa_completion_record.result$offset();
    /** The byte offset of the completion record's {@code bytes_completed} field. */
    public static final long REC_BYTES_COMPLETED = dsa_completion_record.bytes_completed$offset();
    /** The byte offset of the completion record's {@code fault_addr} field. */
    public static final long REC_FAULT_ADDR = dsa_completion_record.fault_addr$offset();
    /** The byte offset of the completion record's {@code crc_val} field. */
    public static final long REC_CRC_VAL = dsa_completion_record.crc_val$offset();

    /** The opcode {@code DSA_OPCODE_NOOP}. */
    public static final int OPCODE_NOOP = Idxd.DSA_OPCODE_NOOP();
    /** The opcode {@code DSA_OPCODE_BATCH}. */
    public static final int OPCODE_BATCH = Idxd.DSA_OPCODE_BATCH();
    /** The opcode {@code DSA_OPCODE_DRAIN}. */
    public static final int OPCODE_DRAIN = Idxd.DSA_OPCODE_DRAIN();
    /** The opcode {@code DSA_OPCODE_MEMMOVE}. */
    public static final int OPCODE_MEMMOVE = Idxd.DSA_OPCODE_MEMMOVE();
    /** The opcode {@code DSA_OPCODE_MEMFILL}. */
    public static final int OPCODE_MEMFILL = Idxd.DSA_OPCODE_MEMFILL();
    /** The opcode {@code DSA_OPCODE_COMPARE}. */
    public static final int OPCODE_COMPARE = Idxd.DSA_OPCODE_COMPARE();
    /** The opcode {@code DSA_OPCODE_COMPVAL}. */
    public static final int OPCODE_COMPVAL = Idxd.DSA_OPCODE_COMPVAL();
    /** The opcode {@code DSA_OPCODE_DUALCAST}. */
    public static final int OPCODE_DUALCAST = Idxd.DSA_OPCODE_DUALCAST();
    /** The opcode {@code DSA_OPCODE_CRCGEN}. */
    public static final int OPCODE_CRCGEN = Idxd.DSA_OPCODE_CRCGEN();

    /** The descriptor flag {@code IDXD_OP_FLAG_FENCE}: start only after the earlier descriptors of the batch completed. */
    public static final int FLAG_FENCE = Idxd.IDXD_OP_FLAG_FENCE();
    /** The descriptor flag {@code IDXD_OP_FLAG_BOF}: block on fault (wait for the page instead of stopping). */
    public static final int FLAG_BOF = Idxd.IDXD_OP_FLAG_BOF();
    /** The descriptor flag {@code IDXD_OP_FLAG_CRAV}: the completion record address is valid. */
    public static final int FLAG_CRAV = Idxd.IDXD_OP_FLAG_CRAV();
    /** The descriptor flag {@code IDXD_OP_FLAG_RCR}: request a completion record. */
    public static final int FLAG_RCR = Idxd.IDXD_OP_FLAG_RCR();
    /** The descriptor flag {@code IDXD_OP_FLAG_RCI}: request a completion interrupt. */
    public static final int FLAG_RCI = Idxd.IDXD_OP_FLAG_RCI();
    /** The descriptor flag {@code IDXD_OP_FLAG_CC}: cache control (write the destination to the cache). */
    public static final int FLAG_CC = Idxd.IDXD_OP_FLAG_CC();

    /** Completion status 0: the device has not written the record yet. */
    public static final int COMP_NONE = Idxd.DSA_COMP_NONE();
    /** Completion status: the op succeeded. */
    public static final int COMP_SUCCESS = Idxd.DSA_COMP_SUCCESS();
    /** Completion status: the op succeeded with a false predicate (a compare found a difference). */
    public static final int COMP_SUCCESS_PRED = Idxd.DSA_COMP_SUCCESS_PRED();
    /** Completion status: a page fault stopped the op (block on fault was not set). */
    public static final int COMP_PAGE_FAULT_NOBOF = Idxd.DSA_COMP_PAGE_FAULT_NOBOF();
    /** The completion status {@code DSA_COMP_PAGE_FAULT_IR}. */
    public static final int COMP_PAGE_FAULT_IR = Idxd.DSA_COMP_PAGE_FAULT_IR();
    /** Completion status of a batch: at least one of its descriptors did not succeed. */
    public static final int COMP_BATCH_FAIL = Idxd.DSA_COMP_BATCH_FAIL();
    /** The completion status {@code DSA_COMP_BATCH_PAGE_FAULT}. */
    public static final int COMP_BATCH_PAGE_FAULT = Idxd.DSA_COMP_BATCH_PAGE_FAULT();
    /** The completion status {@code DSA_COMP_DR_OFFSET_NOINC}. */
    public static final int COMP_DR_OFFSET_NOINC = Idxd.DSA_COMP_DR_OFFSET_NOINC();
    /** The completion status {@code DSA_COMP_DR_OFFSET_ERANGE}. */
    public static final int COMP_DR_OFFSET_ERANGE = Idxd.DSA_COMP_DR_OFFSET_ERANGE();
    /** The completion status {@code DSA_COMP_DIF_ERR}. */
    public static final int COMP_DIF_ERR = Idxd.DSA_COMP_DIF_ERR();
    /** Completion status: the opcode is not supported. */
    public static final int COMP_BAD_OPCODE = Idxd.DSA_COMP_BAD_OPCODE();
    /** Completion status: a flag is invalid for the op; the record's invalid_flags says which. */
    public static final int COMP_INVALID_FLAGS = Idxd.DSA_COMP_INVALID_FLAGS();
    /** The completion status {@code DSA_COMP_NOZERO_RESERVE}. */
    public static final int COMP_NOZERO_RESERVE = Idxd.DSA_COMP_NOZERO_RESERVE();
    /** Completion status: the transfer size is out of range. */
    public static final int COMP_XFER_ERANGE = Idxd.DSA_COMP_XFER_ERANGE();
    /** Completion status: a batch's descriptor count is out of range. */
    public static final int COMP_DESC_CNT_ERANGE = Idxd.DSA_COMP_DESC_CNT_ERANGE();
    /** The completion status {@code DSA_COMP_DR_ERANGE}. */
    public static final int COMP_DR_ERANGE = Idxd.DSA_COMP_DR_ERANGE();
    /** Completion status: the source and destination overlap. */
    public static final int COMP_OVERLAP_BUFFERS = Idxd.DSA_COMP_OVERLAP_BUFFERS();
    /** The completion status {@code DSA_COMP_DCAST_ERR}. */
    public static final int COMP_DCAST_ERR = Idxd.DSA_COMP_DCAST_ERR();
    /** The completion status {@code DSA_COMP_DESCLIST_ALIGN}. */
    public static final int COMP_DESCLIST_ALIGN = Idxd.DSA_COMP_DESCLIST_ALIGN();
    /** The completion status {@code DSA_COMP_INT_HANDLE_INVAL}. */
    public static final int COMP_INT_HANDLE_INVAL = Idxd.DSA_COMP_INT_HANDLE_INVAL();
    /** The completion status {@code DSA_COMP_CRA_XLAT}. */
    public static final int COMP_CRA_XLAT = Idxd.DSA_COMP_CRA_XLAT();
    /** Completion status: the completion record address is misaligned. */
    public static final int COMP_CRA_ALIGN = Idxd.DSA_COMP_CRA_ALIGN();
    /** Completion status: an address is misaligned. */
    public static final int COMP_ADDR_ALIGN = Idxd.DSA_COMP_ADDR_ALIGN();
    /** The completion status {@code DSA_COMP_PRIV_BAD}. */
    public static final int COMP_PRIV_BAD = Idxd.DSA_COMP_PRIV_BAD();
    /** The completion status {@code DSA_COMP_TRAFFIC_CLASS_CONF}. */
    public static final int COMP_TRAFFIC_CLASS_CONF = Idxd.DSA_COMP_TRAFFIC_CLASS_CONF();
    /** The completion status {@code DSA_COMP_PFAULT_RDBA}. */
    public static final int COMP_PFAULT_RDBA = Idxd.DSA_COMP_PFAULT_RDBA();
    /** The completion status {@code DSA_COMP_HW_ERR1}. */
    public static final int COMP_HW_ERR1 = Idxd.DSA_COMP_HW_ERR1();
    /** The completion status {@code DSA_COMP_HW_ERR_DRB}. */
    public static final int COMP_HW_ERR_DRB = Idxd.DSA_COMP_HW_ERR_DRB();
    /** The completion status {@code DSA_COMP_TRANSLATION_FAIL}. */
    public static final int COMP_TRANSLATION_FAIL = Idxd.DSA_COMP_TRANSLATION_FAIL();
    /** Status bits 6:0; bit 7 ({@link #COMP_STATUS_WRITE}) says a page fault was on a write. */
    public static final int COMP_STATUS_MASK = Idxd.DSA_COMP_STATUS_MASK();
    /** Status bit 7: the page fault reported by the record was on a write. */
    public static final int COMP_STATUS_WRITE = Idxd.DSA_COMP_STATUS_WRITE();

    private IdxdAbi() {
    }

    /**
     * The descriptor word at {@link #DESC_FLAGS_OPCODE}: opcode and flags.
     *
     * @param opcode the opcode, 0..0xff
     * @param flags the flags, within bits 23:0
     * @return the 32-bit word
     */
    public static int flagsOpcode(int opcode, int flags) {
        if ((flags & ~(int) Idxd.dsa_hw_desc_flags_IN_WORD_4()) != 0 || opcode < 0 || opcode > 0xff) {
            throw new IllegalArgumentException("opcode 0x" + Integer.toHexString(opcode) + " flags 0x" + Integer.toHexString(flags)
                + " do not fit the descriptor's 8-bit opcode and 24-bit flags");
        }
        return (opcode << OPCODE_SHIFT) | flags;
    }
}
