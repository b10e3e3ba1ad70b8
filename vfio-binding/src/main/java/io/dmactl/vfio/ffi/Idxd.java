// Written by hand in jextract's style: jextract was not available where this was added (see
// native-headers/README.md). layout-probe.c checks every size, offset and constant against the
// C compiler's view of <linux/idxd.h> (GeneratedLayoutTest), as for the generated classes.

package io.dmactl.vfio.ffi;

import java.lang.foreign.*;

import static java.lang.foreign.MemoryLayout.PathElement.*;

/**
 * The constants of {@code <linux/idxd.h>} that dmactl uses (header class, as jextract's
 * {@code --header-class-name Idxd} would generate it), plus the bitfield masks of the descriptor
 * and completion record that jextract does not emit: {@code <struct>_<field>_IN_WORD_<offset>} is
 * the mask of the field's bits in the little-endian 32-bit word at that byte offset, as
 * layout-probe.c prints it from the compiler.
 */
public final class Idxd {

    private Idxd() {
        // Should not be called directly
    }
    private static final int DSA_OPCODE_NOOP = (int)0L;

    /**
     * {@snippet lang=c :
     * DSA_OPCODE_NOOP 0
     * }
     */
    public static int DSA_OPCODE_NOOP() {
        return DSA_OPCODE_NOOP;
    }
    private static final int DSA_OPCODE_BATCH = (int)1L;

    /**
     * {@snippet lang=c :
     * DSA_OPCODE_BATCH 1
     * }
     */
    public static int DSA_OPCODE_BATCH() {
        return DSA_OPCODE_BATCH;
    }
    private static final int DSA_OPCODE_DRAIN = (int)2L;

    /**
     * {@snippet lang=c :
     * DSA_OPCODE_DRAIN 2
     * }
     */
    public static int DSA_OPCODE_DRAIN() {
        return DSA_OPCODE_DRAIN;
    }
    private static final int DSA_OPCODE_MEMMOVE = (int)3L;

    /**
     * {@snippet lang=c :
     * DSA_OPCODE_MEMMOVE 3
     * }
     */
    public static int DSA_OPCODE_MEMMOVE() {
        return DSA_OPCODE_MEMMOVE;
    }
    private static final int DSA_OPCODE_MEMFILL = (int)4L;

    /**
     * {@snippet lang=c :
     * DSA_OPCODE_MEMFILL 4
     * }
     */
    public static int DSA_OPCODE_MEMFILL() {
        return DSA_OPCODE_MEMFILL;
    }
    private static final int DSA_OPCODE_COMPARE = (int)5L;

    /**
     * {@snippet lang=c :
     * DSA_OPCODE_COMPARE 5
     * }
     */
    public static int DSA_OPCODE_COMPARE() {
        return DSA_OPCODE_COMPARE;
    }
    private static final int DSA_OPCODE_COMPVAL = (int)6L;

    /**
     * {@snippet lang=c :
     * DSA_OPCODE_COMPVAL 6
     * }
     */
    public static int DSA_OPCODE_COMPVAL() {
        return DSA_OPCODE_COMPVAL;
    }
    private static final int DSA_OPCODE_DUALCAST = (int)9L;

    /**
     * {@snippet lang=c :
     * DSA_OPCODE_DUALCAST 9
     * }
     */
    public static int DSA_OPCODE_DUALCAST() {
        return DSA_OPCODE_DUALCAST;
    }
    private static final int DSA_OPCODE_CRCGEN = (int)16L;

    /**
     * {@snippet lang=c :
     * DSA_OPCODE_CRCGEN 16
     * }
     */
    public static int DSA_OPCODE_CRCGEN() {
        return DSA_OPCODE_CRCGEN;
    }
    private static final int IDXD_OP_FLAG_FENCE = (int)1L;

    /**
     * {@snippet lang=c :
     * IDXD_OP_FLAG_FENCE 1
     * }
     */
    public static int IDXD_OP_FLAG_FENCE() {
        return IDXD_OP_FLAG_FENCE;
    }
    private static final int IDXD_OP_FLAG_BOF = (int)2L;

    /**
     * {@snippet lang=c :
     * IDXD_OP_FLAG_BOF 2
     * }
     */
    public static int IDXD_OP_FLAG_BOF() {
        return IDXD_OP_FLAG_BOF;
    }
    private static final int IDXD_OP_FLAG_CRAV = (int)4L;

    /**
     * {@snippet lang=c :
     * IDXD_OP_FLAG_CRAV 4
     * }
     */
    public static int IDXD_OP_FLAG_CRAV() {
        return IDXD_OP_FLAG_CRAV;
    }
    private static final int IDXD_OP_FLAG_RCR = (int)8L;

    /**
     * {@snippet lang=c :
     * IDXD_OP_FLAG_RCR 8
     * }
     */
    public static int IDXD_OP_FLAG_RCR() {
        return IDXD_OP_FLAG_RCR;
    }
    private static final int IDXD_OP_FLAG_RCI = (int)16L;

    /**
     * {@snippet lang=c :
     * IDXD_OP_FLAG_RCI 16
     * }
     */
    public static int IDXD_OP_FLAG_RCI() {
        return IDXD_OP_FLAG_RCI;
    }
    private static final int IDXD_OP_FLAG_CC = (int)256L;

    /**
     * {@snippet lang=c :
     * IDXD_OP_FLAG_CC 256
     * }
     */
    public static int IDXD_OP_FLAG_CC() {
        return IDXD_OP_FLAG_CC;
    }
    private static final int DSA_COMP_NONE = (int)0L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_NONE 0
     * }
     */
    public static int DSA_COMP_NONE() {
        return DSA_COMP_NONE;
    }
    private static final int DSA_COMP_SUCCESS = (int)1L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_SUCCESS 1
     * }
     */
    public static int DSA_COMP_SUCCESS() {
        return DSA_COMP_SUCCESS;
    }
    private static final int DSA_COMP_SUCCESS_PRED = (int)2L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_SUCCESS_PRED 2
     * }
     */
    public static int DSA_COMP_SUCCESS_PRED() {
        return DSA_COMP_SUCCESS_PRED;
    }
    private static final int DSA_COMP_PAGE_FAULT_NOBOF = (int)3L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_PAGE_FAULT_NOBOF 3
     * }
     */
    public static int DSA_COMP_PAGE_FAULT_NOBOF() {
        return DSA_COMP_PAGE_FAULT_NOBOF;
    }
    private static final int DSA_COMP_PAGE_FAULT_IR = (int)4L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_PAGE_FAULT_IR 4
     * }
     */
    public static int DSA_COMP_PAGE_FAULT_IR() {
        return DSA_COMP_PAGE_FAULT_IR;
    }
    private static final int DSA_COMP_BATCH_FAIL = (int)5L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_BATCH_FAIL 5
     * }
     */
    public static int DSA_COMP_BATCH_FAIL() {
        return DSA_COMP_BATCH_FAIL;
    }
    private static final int DSA_COMP_BATCH_PAGE_FAULT = (int)6L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_BATCH_PAGE_FAULT 6
     * }
     */
    public static int DSA_COMP_BATCH_PAGE_FAULT() {
        return DSA_COMP_BATCH_PAGE_FAULT;
    }
    private static final int DSA_COMP_DR_OFFSET_NOINC = (int)7L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_DR_OFFSET_NOINC 7
     * }
     */
    public static int DSA_COMP_DR_OFFSET_NOINC() {
        return DSA_COMP_DR_OFFSET_NOINC;
    }
    private static final int DSA_COMP_DR_OFFSET_ERANGE = (int)8L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_DR_OFFSET_ERANGE 8
     * }
     */
    public static int DSA_COMP_DR_OFFSET_ERANGE() {
        return DSA_COMP_DR_OFFSET_ERANGE;
    }
    private static final int DSA_COMP_DIF_ERR = (int)9L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_DIF_ERR 9
     * }
     */
    public static int DSA_COMP_DIF_ERR() {
        return DSA_COMP_DIF_ERR;
    }
    private static final int DSA_COMP_BAD_OPCODE = (int)16L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_BAD_OPCODE 16
     * }
     */
    public static int DSA_COMP_BAD_OPCODE() {
        return DSA_COMP_BAD_OPCODE;
    }
    private static final int DSA_COMP_INVALID_FLAGS = (int)17L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_INVALID_FLAGS 17
     * }
     */
    public static int DSA_COMP_INVALID_FLAGS() {
        return DSA_COMP_INVALID_FLAGS;
    }
    private static final int DSA_COMP_NOZERO_RESERVE = (int)18L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_NOZERO_RESERVE 18
     * }
     */
    public static int DSA_COMP_NOZERO_RESERVE() {
        return DSA_COMP_NOZERO_RESERVE;
    }
    private static final int DSA_COMP_XFER_ERANGE = (int)19L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_XFER_ERANGE 19
     * }
     */
    public static int DSA_COMP_XFER_ERANGE() {
        return DSA_COMP_XFER_ERANGE;
    }
    private static final int DSA_COMP_DESC_CNT_ERANGE = (int)20L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_DESC_CNT_ERANGE 20
     * }
     */
    public static int DSA_COMP_DESC_CNT_ERANGE() {
        return DSA_COMP_DESC_CNT_ERANGE;
    }
    private static final int DSA_COMP_DR_ERANGE = (int)21L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_DR_ERANGE 21
     * }
     */
    public static int DSA_COMP_DR_ERANGE() {
        return DSA_COMP_DR_ERANGE;
    }
    private static final int DSA_COMP_OVERLAP_BUFFERS = (int)22L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_OVERLAP_BUFFERS 22
     * }
     */
    public static int DSA_COMP_OVERLAP_BUFFERS() {
        return DSA_COMP_OVERLAP_BUFFERS;
    }
    private static final int DSA_COMP_DCAST_ERR = (int)23L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_DCAST_ERR 23
     * }
     */
    public static int DSA_COMP_DCAST_ERR() {
        return DSA_COMP_DCAST_ERR;
    }
    private static final int DSA_COMP_DESCLIST_ALIGN = (int)24L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_DESCLIST_ALIGN 24
     * }
     */
    public static int DSA_COMP_DESCLIST_ALIGN() {
        return DSA_COMP_DESCLIST_ALIGN;
    }
    private static final int DSA_COMP_INT_HANDLE_INVAL = (int)25L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_INT_HANDLE_INVAL 25
     * }
     */
    public static int DSA_COMP_INT_HANDLE_INVAL() {
        return DSA_COMP_INT_HANDLE_INVAL;
    }
    private static final int DSA_COMP_CRA_XLAT = (int)26L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_CRA_XLAT 26
     * }
     */
    public static int DSA_COMP_CRA_XLAT() {
        return DSA_COMP_CRA_XLAT;
    }
    private static final int DSA_COMP_CRA_ALIGN = (int)27L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_CRA_ALIGN 27
     * }
     */
    public static int DSA_COMP_CRA_ALIGN() {
        return DSA_COMP_CRA_ALIGN;
    }
    private static final int DSA_COMP_ADDR_ALIGN = (int)28L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_ADDR_ALIGN 28
     * }
     */
    public static int DSA_COMP_ADDR_ALIGN() {
        return DSA_COMP_ADDR_ALIGN;
    }
    private static final int DSA_COMP_PRIV_BAD = (int)29L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_PRIV_BAD 29
     * }
     */
    public static int DSA_COMP_PRIV_BAD() {
        return DSA_COMP_PRIV_BAD;
    }
    private static final int DSA_COMP_TRAFFIC_CLASS_CONF = (int)30L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_TRAFFIC_CLASS_CONF 30
     * }
     */
    public static int DSA_COMP_TRAFFIC_CLASS_CONF() {
        return DSA_COMP_TRAFFIC_CLASS_CONF;
    }
    private static final int DSA_COMP_PFAULT_RDBA = (int)31L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_PFAULT_RDBA 31
     * }
     */
    public static int DSA_COMP_PFAULT_RDBA() {
        return DSA_COMP_PFAULT_RDBA;
    }
    private static final int DSA_COMP_HW_ERR1 = (int)32L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_HW_ERR1 32
     * }
     */
    public static int DSA_COMP_HW_ERR1() {
        return DSA_COMP_HW_ERR1;
    }
    private static final int DSA_COMP_HW_ERR_DRB = (int)33L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_HW_ERR_DRB 33
     * }
     */
    public static int DSA_COMP_HW_ERR_DRB() {
        return DSA_COMP_HW_ERR_DRB;
    }
    private static final int DSA_COMP_TRANSLATION_FAIL = (int)34L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_TRANSLATION_FAIL 34
     * }
     */
    public static int DSA_COMP_TRANSLATION_FAIL() {
        return DSA_COMP_TRANSLATION_FAIL;
    }
    private static final int DSA_COMP_STATUS_MASK = (int)127L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_STATUS_MASK 127
     * }
     */
    public static int DSA_COMP_STATUS_MASK() {
        return DSA_COMP_STATUS_MASK;
    }
    private static final int DSA_COMP_STATUS_WRITE = (int)128L;

    /**
     * {@snippet lang=c :
     * DSA_COMP_STATUS_WRITE 128
     * }
     */
    public static int DSA_COMP_STATUS_WRITE() {
        return DSA_COMP_STATUS_WRITE;
    }
    private static final long dsa_hw_desc_flags_IN_WORD_4 = 16777215L;

    /**
     * {@snippet lang=c :
     * dsa_hw_desc_flags_IN_WORD_4 16777215
     * }
     */
    public static long dsa_hw_desc_flags_IN_WORD_4() {
        return dsa_hw_desc_flags_IN_WORD_4;
    }
    private static final long dsa_hw_desc_opcode_IN_WORD_4 = 4278190080L;

    /**
     * {@snippet lang=c :
     * dsa_hw_desc_opcode_IN_WORD_4 4278190080
     * }
     */
    public static long dsa_hw_desc_opcode_IN_WORD_4() {
        return dsa_hw_desc_opcode_IN_WORD_4;
    }
    private static final long dsa_hw_desc_pasid_IN_WORD_0 = 1048575L;

    /**
     * {@snippet lang=c :
     * dsa_hw_desc_pasid_IN_WORD_0 1048575
     * }
     */
    public static long dsa_hw_desc_pasid_IN_WORD_0() {
        return dsa_hw_desc_pasid_IN_WORD_0;
    }
    private static final long dsa_hw_desc_priv_IN_WORD_0 = 2147483648L;

    /**
     * {@snippet lang=c :
     * dsa_hw_desc_priv_IN_WORD_0 2147483648
     * }
     */
    public static long dsa_hw_desc_priv_IN_WORD_0() {
        return dsa_hw_desc_priv_IN_WORD_0;
    }
    private static final long dsa_completion_record_invalid_flags_IN_WORD_16 = 16777215L;

    /**
     * {@snippet lang=c :
     * dsa_completion_record_invalid_flags_IN_WORD_16 16777215
     * }
     */
    public static long dsa_completion_record_invalid_flags_IN_WORD_16() {
        return dsa_completion_record_invalid_flags_IN_WORD_16;
    }
}
