package io.dmactl.provider.dsa;

/**
 * BAR0 control and status registers of a DSA device: DSA architecture specification (Intel
 * 341204), chapter "Registers", sections on General Configuration (GENCFG), General Control
 * (GENCTRL), General Status (GENSTS), Interrupt Cause, Command (CMD), Command Status (CMDSTS)
 * and Software Error (SWERR). Section numbers not checked against the PDF (see
 * {@link DsaCapabilityRegisters}).
 */
final class DsaControlRegisters {
    static final long GENCFG = 0x80;
    static final long GENCTRL = 0x88;
    /** GENSTS (32-bit): device state in 1:0. */
    static final long GENSTS = 0x90;
    static final int GENSTS_STATE_MASK = 0x3;
    static final int STATE_DISABLED = 0;
    static final int STATE_ENABLED = 1;
    static final int STATE_DRAINING = 2;
    static final int STATE_HALTED = 3;
    static final long INTCAUSE = 0x98;
    /** CMD (32-bit): operand 19:0, command 24:20, request completion interrupt 31. */
    static final long CMD = 0xa0;
    static final int CMD_SHIFT = 20;
    static final int CMD_OPERAND_MASK = 0xfffff;
    static final int CMD_ENABLE_DEVICE = 1;
    static final int CMD_DISABLE_DEVICE = 2;
    static final int CMD_DRAIN_ALL = 3;
    static final int CMD_ABORT_ALL = 4;
    static final int CMD_RESET_DEVICE = 5;
    static final int CMD_ENABLE_WQ = 6;
    static final int CMD_DISABLE_WQ = 7;
    static final int CMD_DRAIN_WQ = 8;
    static final int CMD_ABORT_WQ = 9;
    static final int CMD_RESET_WQ = 10;
    /** CMDSTS (32-bit): error 7:0, result 23:8, active 31. */
    static final long CMDSTS = 0xa8;
    static final int CMDSTS_ERR_MASK = 0xff;
    static final int CMDSTS_ACTIVE = 1 << 31;
    /** SWERR: four 64-bit words; word 0 bit 0 valid, bit 1 overflow, error code 15:8, WQ index 23:16. */
    static final long SWERR = 0xc0;
    static final long SWERR_VALID = 1L;
    static final long SWERR_OVERFLOW = 1L << 1;
    static final int SWERR_ERROR_SHIFT = 8;
    static final int SWERR_WQ_SHIFT = 16;

    private DsaControlRegisters() {
    }

    static int command(int command, int operand) {
        if (command < 0 || command > 0x1f || (operand & ~CMD_OPERAND_MASK) != 0) {
            throw new IllegalArgumentException("command " + command + " operand 0x" + Integer.toHexString(operand) + " do not fit CMD");
        }
        return (command << CMD_SHIFT) | operand;
    }

    /** The operand of the per-queue commands (disable, drain, abort, reset): bit (wq mod 16), wq / 16 in 19:16. */
    static int wqOperand(int wq) {
        return (1 << (wq % 16)) | ((wq / 16) << 16);
    }

    static String stateName(int state) {
        return switch (state & GENSTS_STATE_MASK) {
            case STATE_DISABLED -> "disabled";
            case STATE_ENABLED -> "enabled";
            case STATE_DRAINING -> "draining";
            case STATE_HALTED -> "halted";
            default -> throw new AssertionError(state);
        };
    }

    /** SWERR's four words as text, or null when its valid bit is clear. */
    static String swerrText(long w0, long w1, long w2, long w3) {
        if ((w0 & SWERR_VALID) == 0) {
            return null;
        }
        return "SWERR valid" + ((w0 & SWERR_OVERFLOW) != 0 ? ", overflow" : "") + ", error 0x"
            + Long.toHexString((w0 >>> SWERR_ERROR_SHIFT) & 0xff) + ", wq " + ((w0 >>> SWERR_WQ_SHIFT) & 0xff) + " (words 0x"
            + Long.toHexString(w0) + " 0x" + Long.toHexString(w1) + " 0x" + Long.toHexString(w2) + " 0x" + Long.toHexString(w3) + ")";
    }
}
