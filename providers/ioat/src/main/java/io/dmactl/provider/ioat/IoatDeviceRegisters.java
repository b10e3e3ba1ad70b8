package io.dmactl.provider.ioat;

/**
 * The device-wide register block of an Intel QuickData (Crystal Beach DMA, "CBDMA") function: the
 * first 0x80 bytes of BAR0, named as in Intel's Xeon Processor E5/E7 v2 Product Family Datasheet,
 * Volume Two (Registers): the Intel QuickData Technology device's memory-mapped registers (the
 * CB_BAR space, general/device registers). The PDF was not reachable from the machine this was
 * written on, so the section is named by its subject, not its number; every offset, width and bit
 * is cross-checked against Linux's {@code drivers/dma/ioat/registers.h} and DPDK's
 * {@code drivers/dma/ioat/ioat_hw_defs.h}, which agree with each other (facts only; no code or
 * text was copied).
 *
 * <pre>
 *   BAR0 + 0x00  CHANCNT        RO   8  bits 4:0 number of channels of this function
 *   BAR0 + 0x01  XFERCAP        RO   8  bits 4:0 log2 of the longest transfer per descriptor
 *   BAR0 + 0x02  GENCTRL        RW   8  general control (debug enable)
 *   BAR0 + 0x03  INTRCTRL       RW   8  0x01 master interrupt enable, 0x08 MSI-X vector control
 *   BAR0 + 0x04  ATTNSTATUS     RO  32  one bit per channel that wants attention
 *   BAR0 + 0x08  CBVER          RO   8  Crystal Beach version: major in 7:4, minor in 3:0
 *   BAR0 + 0x0C  INTRDELAY      RW  16  interrupt coalescing delay
 *   BAR0 + 0x0E  CS_STATUS      RO  16  chipset status
 *   BAR0 + 0x10  DMACAPABILITY  RO  32  which operations the engine offers (fill, xor, pq, ...)
 *   BAR0 + 0x80 * (n + 1)       channel n's block, see {@link IoatChannelRegisters}
 * </pre>
 */
final class IoatDeviceRegisters {
    /** BAR index of the register space (CB_BAR). */
    static final int BAR = 0;

    static final long CHANCNT = 0x00;
    static final long XFERCAP = 0x01;
    static final long GENCTRL = 0x02;
    static final long INTRCTRL = 0x03;
    static final long ATTNSTATUS = 0x04;
    static final long CBVER = 0x08;
    static final long INTRDELAY = 0x0C;
    static final long CS_STATUS = 0x0E;
    static final long DMACAPABILITY = 0x10;

    /** CHANCNT and XFERCAP: only bits 4:0 are defined. */
    static final int FIELD_MASK_4_0 = 0x1f;

    /** INTRCTRL: master interrupt enable. */
    static final int INTRCTRL_MASTER_INT_EN = 0x01;
    /** INTRCTRL: interrupt status (read only). */
    static final int INTRCTRL_INT_STATUS = 0x02;
    /** INTRCTRL: interrupt (status and master enable), read only. */
    static final int INTRCTRL_INT = 0x04;
    /** INTRCTRL: MSI-X vector control, one vector per channel. */
    static final int INTRCTRL_MSIX_VECTOR_CONTROL = 0x08;

    /** CBVER: major version field. */
    static final int CBVER_MAJOR_MASK = 0xf0;
    /** CBVER: minor version field. */
    static final int CBVER_MINOR_MASK = 0x0f;
    /** The oldest version this driver drives: 3.0 (descriptor ring through DMACOUNT, 64-byte descriptors). */
    static final int CBVER_3_0 = 0x30;

    /** DMACAPABILITY: page break. */
    static final int CAP_PAGE_BREAK = 0x0000_0001;
    /** DMACAPABILITY: CRC generation. */
    static final int CAP_CRC = 0x0000_0002;
    /** DMACAPABILITY: marker skipping. */
    static final int CAP_SKIP_MARKER = 0x0000_0004;
    /** DMACAPABILITY: direct cache access. */
    static final int CAP_DCA = 0x0000_0010;
    /** DMACAPABILITY: CRC and move. */
    static final int CAP_CRC_MOVE = 0x0000_0020;
    /** DMACAPABILITY: block fill (the FILL opcode). */
    static final int CAP_FILL_BLOCK = 0x0000_0040;
    /** DMACAPABILITY: APIC interrupts. */
    static final int CAP_APIC = 0x0000_0080;
    /** DMACAPABILITY: XOR. */
    static final int CAP_XOR = 0x0000_0100;
    /** DMACAPABILITY: P+Q (RAID 6). */
    static final int CAP_PQ = 0x0000_0200;
    /** DMACAPABILITY: descriptor write-back error status. */
    static final int CAP_DWBES = 0x0000_2000;
    /** DMACAPABILITY: RAID with 16 sources. */
    static final int CAP_RAID16SS = 0x0002_0000;

    /** Size of the device block and of each channel block in BAR0. */
    static final long BLOCK_BYTES = 0x80;

    private IoatDeviceRegisters() {
    }

    /** Where channel {@code index}'s register block starts in BAR0. */
    static long channelBase(int index) {
        return BLOCK_BYTES * (index + 1L);
    }

    /** Major version of a CBVER value. */
    static int major(int cbver) {
        return (cbver & CBVER_MAJOR_MASK) >>> 4;
    }

    /** Minor version of a CBVER value. */
    static int minor(int cbver) {
        return cbver & CBVER_MINOR_MASK;
    }

    /** "3.2" for 0x32. */
    static String versionText(int cbver) {
        return major(cbver) + "." + minor(cbver);
    }

    /** The capability bits set in {@code cap}, by name, for {@code dmactl info}-style messages. */
    static String capabilityText(int cap) {
        StringBuilder out = new StringBuilder();
        String[] names = {"PAGE_BREAK", "CRC", "SKIP_MARKER", "DCA", "CRC_MOVE", "FILL_BLOCK", "APIC", "XOR", "PQ", "DWBES", "RAID16SS"};
        int[] bits = {CAP_PAGE_BREAK, CAP_CRC, CAP_SKIP_MARKER, CAP_DCA, CAP_CRC_MOVE, CAP_FILL_BLOCK, CAP_APIC, CAP_XOR, CAP_PQ,
            CAP_DWBES, CAP_RAID16SS};
        for (int i = 0; i < bits.length; i++) {
            if ((cap & bits[i]) != 0) {
                out.append(out.isEmpty() ? "" : "|").append(names[i]);
            }
        }
        return out.isEmpty() ? "none" : out.toString();
    }
}
