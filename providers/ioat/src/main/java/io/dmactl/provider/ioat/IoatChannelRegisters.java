package io.dmactl.provider.ioat;

/**
 * One channel's register block in BAR0 (CBVER 2.0 and later layout), at
 * {@link IoatDeviceRegisters#channelBase(int)}: 0x80 bytes per channel, channel 0 at 0x80. Named as
 * in the Xeon E5/E7 v2 datasheet, Volume Two, QuickData channel-specific (per-channel MMIO)
 * registers (section named by subject: the PDF was not reachable here); offsets and bits
 * cross-checked against Linux's {@code drivers/dma/ioat/registers.h} (the IOAT2_ variants, used
 * from CBVER 2.0 on) and DPDK's {@code struct ioat_registers}.
 *
 * <pre>
 *   +0x00  CHANCTRL    RW  16  channel control (interrupt re-arm, error interrupt/abort/completion enables)
 *   +0x02  DMA_COMP    RO  16  compatibility: 0x0002 = version 2 style register layout
 *   +0x04  CHANCMD     RW   8  0x20 reset (clears when done), 0x10 resume, 0x08 abort, 0x04 suspend
 *   +0x06  DMACOUNT    RW  16  doorbell: descriptors appended since CHAINADDR was written, modulo 2^16
 *   +0x08  CHANSTS     RO  64  63:6 address of the last completed descriptor, 4 soft error,
 *                              3 unaffiliated error, 2:0 state (0 active, 1 done, 2 suspended, 3 halted)
 *   +0x10  CHAINADDR   RW  64  bus address of the first descriptor (64-byte aligned)
 *   +0x18  CHANCMP     RW  64  bus address the channel writes CHANSTS to on completion (8-byte aligned)
 *   +0x20  CDAR        RO  64  current descriptor address
 *   +0x28  CHANERR     RW1C 32 error bits, see the CHANERR_ constants
 *   +0x2C  CHANERRMSK  RW  32  masks error bits from reporting
 * </pre>
 */
final class IoatChannelRegisters {
    static final long CHANCTRL = 0x00;
    static final long DMA_COMP = 0x02;
    static final long CHANCMD = 0x04;
    static final long DMACOUNT = 0x06;
    static final long CHANSTS = 0x08;
    static final long CHAINADDR = 0x10;
    static final long CHANCMP = 0x18;
    static final long CDAR = 0x20;
    static final long CHANERR = 0x28;
    static final long CHANERRMSK = 0x2C;

    /** CHANCTRL: re-arm the channel interrupt (one interrupt per re-arm). */
    static final int CHANCTRL_INT_REARM = 0x0001;
    /** CHANCTRL: write CHANSTS to the completion address when an error halts the channel. */
    static final int CHANCTRL_ERR_COMPLETION_EN = 0x0004;
    /** CHANCTRL: halt the channel on any error. */
    static final int CHANCTRL_ANY_ERR_ABORT_EN = 0x0008;
    /** CHANCTRL: interrupt on error. */
    static final int CHANCTRL_ERR_INT_EN = 0x0010;
    /** CHANCTRL: snoop control for descriptor fetches. */
    static final int CHANCTRL_DESCRIPTOR_ADDR_SNOOP_CONTROL = 0x0020;
    /** CHANCTRL: channel in use (a software semaphore). */
    static final int CHANCTRL_CHANNEL_IN_USE = 0x0100;
    /** CHANCTRL: DCA for completion writes. */
    static final int CHANCTRL_COMPL_DCA_EN = 0x0200;

    /** CHANCMD: start. */
    static final int CHANCMD_START = 0x01;
    /** CHANCMD: append. */
    static final int CHANCMD_APPEND = 0x02;
    /** CHANCMD: suspend. */
    static final int CHANCMD_SUSPEND = 0x04;
    /** CHANCMD: abort. */
    static final int CHANCMD_ABORT = 0x08;
    /** CHANCMD: resume. */
    static final int CHANCMD_RESUME = 0x10;
    /** CHANCMD: reset the channel; reads back set until the reset is done. */
    static final int CHANCMD_RESET = 0x20;

    /** CHANSTS: the completed descriptor address field (bits 63:6). */
    static final long CHANSTS_COMPLETED_DESCRIPTOR_ADDR = ~0x3fL;
    /** CHANSTS: soft error. */
    static final long CHANSTS_SOFT_ERR = 0x10;
    /** CHANSTS: unaffiliated error. */
    static final long CHANSTS_UNAFFILIATED_ERR = 0x08;
    /** CHANSTS: the state field (bits 2:0). */
    static final int CHANSTS_STATUS = 0x7;
    static final int CHANSTS_ACTIVE = 0x0;
    static final int CHANSTS_DONE = 0x1;
    static final int CHANSTS_SUSPENDED = 0x2;
    static final int CHANSTS_HALTED = 0x3;

    static final int CHANERR_SRC_ADDR_ERR = 0x0000_0001;
    static final int CHANERR_DEST_ADDR_ERR = 0x0000_0002;
    static final int CHANERR_NEXT_ADDR_ERR = 0x0000_0004;
    static final int CHANERR_NEXT_DESC_ALIGN_ERR = 0x0000_0008;
    static final int CHANERR_CHAIN_ADDR_VALUE_ERR = 0x0000_0010;
    static final int CHANERR_CHANCMD_ERR = 0x0000_0020;
    static final int CHANERR_CHIPSET_UNCORRECTABLE_DATA_INTEGRITY_ERR = 0x0000_0040;
    static final int CHANERR_DMA_UNCORRECTABLE_DATA_INTEGRITY_ERR = 0x0000_0080;
    static final int CHANERR_READ_DATA_ERR = 0x0000_0100;
    static final int CHANERR_WRITE_DATA_ERR = 0x0000_0200;
    static final int CHANERR_CONTROL_ERR = 0x0000_0400;
    static final int CHANERR_LENGTH_ERR = 0x0000_0800;
    static final int CHANERR_COMPLETION_ADDR_ERR = 0x0000_1000;
    static final int CHANERR_INT_CONFIGURATION_ERR = 0x0000_2000;
    static final int CHANERR_SOFT_ERR = 0x0000_4000;
    static final int CHANERR_UNAFFILIATED_ERR = 0x0000_8000;
    static final int CHANERR_XOR_P_OR_CRC_ERR = 0x0001_0000;
    static final int CHANERR_XOR_Q_ERR = 0x0002_0000;
    static final int CHANERR_DESCRIPTOR_COUNT_ERR = 0x0004_0000;

    /** Errors of an address or of the data path: the op's bytes could not be moved (TRANSFER_FAULT). */
    static final int CHANERR_TRANSFER_FAULTS = CHANERR_SRC_ADDR_ERR | CHANERR_DEST_ADDR_ERR | CHANERR_NEXT_ADDR_ERR
        | CHANERR_NEXT_DESC_ALIGN_ERR | CHANERR_CHAIN_ADDR_VALUE_ERR | CHANERR_CHIPSET_UNCORRECTABLE_DATA_INTEGRITY_ERR
        | CHANERR_DMA_UNCORRECTABLE_DATA_INTEGRITY_ERR | CHANERR_READ_DATA_ERR | CHANERR_WRITE_DATA_ERR
        | CHANERR_COMPLETION_ADDR_ERR;

    private IoatChannelRegisters() {
    }

    /** The state field of a CHANSTS value. */
    static int state(long chansts) {
        return (int) chansts & CHANSTS_STATUS;
    }

    /** The completed-descriptor address of a CHANSTS value. */
    static long completedDescriptor(long chansts) {
        return chansts & CHANSTS_COMPLETED_DESCRIPTOR_ADDR;
    }

    static String stateName(int state) {
        return switch (state) {
            case CHANSTS_ACTIVE -> "ACTIVE";
            case CHANSTS_DONE -> "DONE";
            case CHANSTS_SUSPENDED -> "SUSPENDED";
            case CHANSTS_HALTED -> "HALTED";
            default -> "reserved state " + state;
        };
    }

    /** The status an op ends with when CHANERR holds {@code chanerr} for it. */
    static int opStatus(int chanerr) {
        return (chanerr & CHANERR_TRANSFER_FAULTS) != 0 ? io.dmactl.core.spi.OpStatus.TRANSFER_FAULT
            : io.dmactl.core.spi.OpStatus.DEVICE_ERROR;
    }

    /** CHANERR bits by name, e.g. "READ_DATA_ERR|LENGTH_ERR", for messages. */
    static String errorText(int chanerr) {
        String[] names = {"SRC_ADDR_ERR", "DEST_ADDR_ERR", "NEXT_ADDR_ERR", "NEXT_DESC_ALIGN_ERR", "CHAIN_ADDR_VALUE_ERR",
            "CHANCMD_ERR", "CHIPSET_UNCORRECTABLE_DATA_INTEGRITY_ERR", "DMA_UNCORRECTABLE_DATA_INTEGRITY_ERR", "READ_DATA_ERR",
            "WRITE_DATA_ERR", "CONTROL_ERR", "LENGTH_ERR", "COMPLETION_ADDR_ERR", "INT_CONFIGURATION_ERR", "SOFT_ERR",
            "UNAFFILIATED_ERR", "XOR_P_OR_CRC_ERR", "XOR_Q_ERR", "DESCRIPTOR_COUNT_ERR"};
        StringBuilder out = new StringBuilder();
        for (int bit = 0; bit < Integer.SIZE; bit++) {
            if ((chanerr & (1 << bit)) != 0) {
                out.append(out.isEmpty() ? "" : "|").append(bit < names.length ? names[bit] : "bit" + bit);
            }
        }
        return out.isEmpty() ? "none" : out.toString();
    }
}
