package io.dmactl.provider.ioat;

/**
 * The 64-byte descriptor a channel fetches from its ring (CBVER 3.x): the DMA (copy) and block-fill
 * descriptor formats of Intel's QuickData documentation. The E5/E7 v2 datasheet's Volume Two is a
 * register reference; the field layout here is taken as facts from Linux's
 * {@code struct ioat_dma_descriptor} and {@code struct ioat_fill_descriptor}
 * ({@code drivers/dma/ioat/hw.h}), which DPDK's driver uses the same way. Little-endian.
 *
 * <pre>
 *   0x00  SIZE      32  bytes to move (1..2^XFERCAP); a null descriptor moves nothing but needs SIZE != 0
 *   0x04  CONTROL   32  bit 0 INT_EN, 1 SRC_SNOOP_DIS, 2 DEST_SNOOP_DIS, 3 COMPL_WRITE, 4 FENCE,
 *                       5 NULL, 6 SRC_BRK, 7 DEST_BRK, 8 BUNDLE, 9 DEST_DCA, 10 HINT, 31:24 opcode
 *   0x08  SRC       64  source bus address (copy) or the 8-byte pattern (fill)
 *   0x10  DST       64  destination bus address
 *   0x18  NEXT      64  bus address of the next descriptor (the ring is linked once, at setup)
 *   0x20..0x3F          reserved for copy and fill (used by xor/pq); 0x30, 0x38 free for software
 * </pre>
 *
 * FENCE: the descriptor's writes are globally visible before the following descriptor starts.
 * NULL: the descriptor moves nothing but completes like any other (with its completion write,
 * interrupt and fence); drivers use it to start a channel after reset and to keep a slot that
 * carries no work.
 */
final class IoatDescriptor {
    static final int BYTES = 64;
    /** log2 of {@link #BYTES}. */
    static final int SHIFT = 6;

    static final long SIZE = 0x00;
    static final long CONTROL = 0x04;
    static final long SRC = 0x08;
    static final long DST = 0x10;
    static final long NEXT = 0x18;

    static final int CTL_INT_EN = 1;
    static final int CTL_SRC_SNOOP_DIS = 1 << 1;
    static final int CTL_DEST_SNOOP_DIS = 1 << 2;
    static final int CTL_COMPL_WRITE = 1 << 3;
    static final int CTL_FENCE = 1 << 4;
    static final int CTL_NULL = 1 << 5;
    static final int CTL_SRC_BRK = 1 << 6;
    static final int CTL_DEST_BRK = 1 << 7;
    static final int CTL_BUNDLE = 1 << 8;
    static final int CTL_OP_SHIFT = 24;

    /**
     * SIZE of a null descriptor: it moves nothing, but a channel reports an error for a SIZE of 0
     * in any descriptor (a fact Linux ioatdma's null descriptor notes), so it carries 1.
     */
    static final int NULL_SIZE = 1;

    /** Opcode: copy (DMA). */
    static final int OP_COPY = 0x00;
    /** Opcode: block fill with the 8-byte pattern in SRC. */
    static final int OP_FILL = 0x01;

    private IoatDescriptor() {
    }

    /** A control word: opcode in 31:24 plus {@code bits}. */
    static int control(int opcode, int bits) {
        return opcode << CTL_OP_SHIFT | bits;
    }
}
