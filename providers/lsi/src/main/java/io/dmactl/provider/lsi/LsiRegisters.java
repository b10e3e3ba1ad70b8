package io.dmactl.provider.lsi;

/**
 * The operating registers of the LSI53C895A (and LSI53C810) that this driver touches, named and
 * placed as in the LSI53C895A Technical Manual, chapter "Registers", section "SCSI Registers"
 * (the same block the Linux sym53c8xx driver describes in {@code sym_defs.h}). The block appears
 * twice: in BAR0 (I/O space, 256 bytes) and in BAR1 (memory space); this driver uses BAR1 only.
 * Every register is byte-wide or a little-endian group of bytes; QEMU 7.2's model
 * ({@code hw/scsi/lsi53c895a.c}) serves each access one byte at a time, in ascending address
 * order, so a 32-bit store to DSP writes DSP[31:24] last.
 *
 * <pre>
 *   BAR1 (memory)            width  what this driver does with it
 *   0x0C  DSTAT   DMA Status     8  read once ISTAT.DIP is set (the read clears it)
 *   0x14  ISTAT   Interrupt St.  8  SRST pulse at open; DIP / SIP / INTF polled for completion
 *   0x15  ISTAT1                 8  SRUN: SCRIPTS processor running
 *   0x24  DBC     Byte Counter  24  diagnostics (count of the instruction that stopped)
 *   0x27  DCMD    DMA Command    8  diagnostics (opcode byte of that instruction)
 *   0x2C  DSP     SCRIPTS Ptr   32  writing byte 0x2F starts SCRIPTS at that address (DMODE.MAN 0)
 *   0x30  DSPS    SCRIPTS Ptr Save 32  second dword of the last instruction: an INT's vector
 *   0x34  SCRATCHA              32  liveness check at open
 *   0x38  DMODE   DMA Mode       8  0: automatic start, source and destination in memory space
 *   0x39  DIEN    DMA Int. Enable 8  SIR | errors when completion is by interrupt, else 0
 *   0x3B  DCNTL   DMA Control    8  0: no single step, no IRQ disable
 *   0x40  SIEN0 / 0x41 SIEN1     8  0: no SCSI interrupt is enabled
 *   0x42  SIST0 / 0x43 SIST1     8  read (and so cleared) when ISTAT.SIP is set
 * </pre>
 */
final class LsiRegisters {
    /** BAR of the operating registers in I/O space: never mapped, never a DMA target. */
    static final int IO_BAR = 0;
    /** BAR of the operating registers in memory space: the driver's register window. */
    static final int MMIO_BAR = 1;
    /** BAR of the SCRIPTS RAM (LSI53C895A; the 53C810 has none). */
    static final int RAM_BAR = 2;
    /** Bytes of the operating register block (0x00..0x7F; QEMU decodes the rest of BAR1 as repeats). */
    static final long REGISTER_BLOCK_BYTES = 0x80;

    static final long DSTAT = 0x0C;
    static final long ISTAT = 0x14;
    static final long ISTAT1 = 0x15;
    static final long DBC = 0x24;
    static final long DCMD = 0x27;
    static final long DSP = 0x2C;
    static final long DSPS = 0x30;
    static final long SCRATCHA = 0x34;
    static final long DMODE = 0x38;
    static final long DIEN = 0x39;
    static final long DCNTL = 0x3B;
    static final long SIEN0 = 0x40;
    static final long SIEN1 = 0x41;
    static final long SIST0 = 0x42;
    static final long SIST1 = 0x43;

    /** ISTAT: Abort Operation. */
    static final int ISTAT_ABRT = 0x80;
    /** ISTAT: Software Reset: the chip resets while the bit is set. */
    static final int ISTAT_SRST = 0x40;
    /** ISTAT: Signal Process. */
    static final int ISTAT_SIGP = 0x20;
    /** ISTAT: Interrupt on the Fly (an INTFLY instruction ran; written 1 to clear). */
    static final int ISTAT_INTF = 0x04;
    /** ISTAT: SCSI Interrupt Pending (SIST0/SIST1 hold the cause). */
    static final int ISTAT_SIP = 0x02;
    /** ISTAT: DMA Interrupt Pending (DSTAT holds the cause). */
    static final int ISTAT_DIP = 0x01;

    /** ISTAT1: SCRIPTS Running. */
    static final int ISTAT1_SRUN = 0x02;

    /** DSTAT: DMA FIFO Empty (status, not an interrupt cause). */
    static final int DSTAT_DFE = 0x80;
    /** DSTAT: Master Data Parity Error. */
    static final int DSTAT_MDPE = 0x40;
    /** DSTAT: Bus Fault. */
    static final int DSTAT_BF = 0x20;
    /** DSTAT: Aborted (ISTAT.ABRT). */
    static final int DSTAT_ABRT = 0x10;
    /** DSTAT: Single Step Interrupt. */
    static final int DSTAT_SSI = 0x08;
    /** DSTAT: SCRIPTS Interrupt Instruction Received (an INT ran; DSPS holds its vector). */
    static final int DSTAT_SIR = 0x04;
    /** DSTAT: Illegal Instruction Detected. */
    static final int DSTAT_IID = 0x01;
    /** DSTAT bits that are an error cause: anything but SIR and the FIFO-empty status. */
    static final int DSTAT_ERRORS = DSTAT_MDPE | DSTAT_BF | DSTAT_ABRT | DSTAT_SSI | DSTAT_IID;

    /** DMODE: Manual Start mode (set: writing DSP does not start SCRIPTS). */
    static final int DMODE_MAN = 0x01;
    /** DMODE: Source I/O-Memory Enable (set: Memory Move sources are I/O space). */
    static final int DMODE_SIOM = 0x20;
    /** DMODE: Destination I/O-Memory Enable. */
    static final int DMODE_DIOM = 0x10;

    /** DCNTL: Single-step Mode. */
    static final int DCNTL_SSM = 0x10;
    /** DCNTL: Start DMA Operation (manual start). */
    static final int DCNTL_STD = 0x04;

    /** SIST0: Unexpected Disconnect (QEMU also raises it when a chain runs past its instruction limit). */
    static final int SIST0_UDC = 0x04;

    private LsiRegisters() {
    }
}
