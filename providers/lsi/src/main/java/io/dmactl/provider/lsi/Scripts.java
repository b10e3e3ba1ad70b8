package io.dmactl.provider.lsi;

/**
 * The SCRIPTS instructions this driver writes, encoded as in the LSI53C895A Technical Manual,
 * chapter "SCSI SCRIPTS Instruction Set" (sections "Memory Move Instructions" and "Transfer
 * Control Instructions") and the Symbios SCRIPTS programming guide. Each instruction is
 * little-endian dwords in memory the SCRIPTS processor fetches by DMA from DSP.
 *
 * <pre>
 *   Memory Move (3 dwords)                        Interrupt (2 dwords)
 *   dword 0  31:30 11  29 0 (move, not load/store)  dword 0  31:30 10  29:27 011 (INT)
 *            25  no-flush  24  reserved                       20  INTFLY (interrupt on the fly)
 *            23:0 byte count (1 .. 2^24-1)                    19  jump-if-true (1 = unconditional,
 *   dword 1  source bus address (32 bits)                          no compare bits set)
 *   dword 2  destination bus address (32 bits)      dword 1  the vector, copied to DSPS
 * </pre>
 *
 * An INT stops SCRIPTS and sets DSTAT.SIR (ISTAT.DIP); an INTFLY sets ISTAT.INTF and lets
 * SCRIPTS run on. QEMU 7.2 executes a chain synchronously inside the DSP write that starts it,
 * and stops any chain after 10 000 instructions with SIST0.UDC (its "infinite loop" guard), so a
 * chain here is at most {@link #MAX_MOVES_PER_CHAIN} moves and one INT.
 */
final class Scripts {
    /** Memory Move opcode in dword 0 (bits 31:29 = 110). */
    static final int MEMORY_MOVE = 0xC000_0000;
    /** Memory Move: the largest byte count (24-bit field). */
    static final int MAX_MOVE_BYTES = (1 << 24) - 1;
    /** Bytes of one Memory Move instruction. */
    static final int MEMORY_MOVE_BYTES = 12;
    /** INT, unconditional (jump-if-true with no compare): stop, DSTAT.SIR, vector in DSPS. */
    static final int INT = 0x9808_0000;
    /** INTFLY: like INT, but SCRIPTS continue and ISTAT.INTF is set instead. */
    static final int INTFLY = INT | 1 << 20;
    /** Bytes of one transfer control instruction. */
    static final int TRANSFER_CONTROL_BYTES = 8;
    /** QEMU 7.2's per-start instruction limit (LSI_MAX_INSN) with room to spare. */
    static final int MAX_MOVES_PER_CHAIN = 4096;

    private Scripts() {
    }

    /** Dword 0 of a Memory Move of {@code count} bytes (1 .. {@link #MAX_MOVE_BYTES}). */
    static int memoryMove(int count) {
        if (count <= 0 || count > MAX_MOVE_BYTES) {
            throw new IllegalArgumentException("Memory Move count " + count + " is not in 1.." + MAX_MOVE_BYTES);
        }
        return MEMORY_MOVE | count;
    }

    /** Bytes of a chain of {@code moves} Memory Moves and its closing INT. */
    static long chainBytes(int moves) {
        return (long) moves * MEMORY_MOVE_BYTES + TRANSFER_CONTROL_BYTES;
    }
}
