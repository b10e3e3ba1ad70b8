package io.dmactl.provider.edu;

/**
 * The register block of QEMU's {@code edu} device in BAR0, named as in QEMU's
 * {@code docs/specs/edu.rst}, section "MMIO area spec" (and "DMA controller" for the device
 * buffer). Facts not in that text come from QEMU 7.2's model ({@code hw/misc/edu.c}) and are
 * marked so.
 *
 * <pre>
 *   BAR0 (1 MiB, memory)
 *   0x00  IDENTIFICATION     RO  32  0xRRrr00ed: RR major, rr minor version
 *   0x04  LIVENESS           RW  32  reads back the bitwise inverse of what was written
 *   0x08  FACTORIAL          RW  32  n in, n! out once STATUS.COMPUTING clears
 *   0x20  STATUS             RW  32  0x01 computing factorial (RO), 0x80 IRQ after factorial
 *   0x24  INTERRUPT_STATUS   RO  32  the values that raised the interrupt (bitwise OR)
 *   0x60  INTERRUPT_RAISE    WO  32  ORs the value into INTERRUPT_STATUS and raises the IRQ
 *   0x64  INTERRUPT_ACK      WO  32  clears those bits of INTERRUPT_STATUS
 *   0x80  DMA_SOURCE         RW  64  bus address, or DEVICE_BUFFER + offset
 *   0x88  DMA_DESTINATION    RW  64  bus address, or DEVICE_BUFFER + offset
 *   0x90  DMA_COUNT          RW  64  bytes
 *   0x98  DMA_COMMAND        RW  64  0x01 start (clears when done), 0x02 edu-to-RAM, 0x04 IRQ 0x100 when done
 * </pre>
 *
 * Access widths (spec): only 4-byte accesses below 0x80, 4 or 8 bytes from 0x80 on; this driver
 * uses 8 bytes for the DMA registers, which QEMU holds as 64-bit fields.
 */
final class EduRegisters {
    /** BAR index of the register block. */
    static final int BAR = 0;
    /** Size of BAR0 ("PCI Region 0: I/O memory, 1 MB in size"). */
    static final long BAR_BYTES = 1L << 20;

    static final long IDENTIFICATION = 0x00;
    static final long LIVENESS = 0x04;
    static final long FACTORIAL = 0x08;
    static final long STATUS = 0x20;
    static final long INTERRUPT_STATUS = 0x24;
    static final long INTERRUPT_RAISE = 0x60;
    static final long INTERRUPT_ACK = 0x64;
    static final long DMA_SOURCE = 0x80;
    static final long DMA_DESTINATION = 0x88;
    static final long DMA_COUNT = 0x90;
    static final long DMA_COMMAND = 0x98;

    /** Below this offset only 32-bit accesses are allowed. */
    static final long FIRST_64BIT_REGISTER = 0x80;

    /** IDENTIFICATION: the low byte is always 0xed. */
    static final int IDENTIFICATION_MAGIC = 0xed;
    static final int IDENTIFICATION_MAGIC_MASK = 0xffff;
    /** The version this driver was written against: 1.0. */
    static final int SUPPORTED_MAJOR_VERSION = 1;

    /** STATUS bit: a factorial is being computed (read only). */
    static final int STATUS_COMPUTING = 0x01;
    /** STATUS bit: raise an interrupt when the factorial is done. */
    static final int STATUS_IRQ_FACTORIAL = 0x80;

    /** DMA_COMMAND bit: start the transfer; the device clears it when the transfer is done. */
    static final long DMA_CMD_START = 0x01;
    /** DMA_COMMAND bit: direction; 0 RAM to edu, 1 edu to RAM. */
    static final long DMA_CMD_EDU_TO_RAM = 0x02;
    /** DMA_COMMAND bit: raise interrupt {@link #IRQ_DMA} when the transfer is done. */
    static final long DMA_CMD_RAISE_IRQ = 0x04;

    /** INTERRUPT_STATUS value the device raises when a factorial is done (QEMU 7.2 edu.c FACT_IRQ). */
    static final int IRQ_FACTORIAL = 0x001;
    /** INTERRUPT_STATUS value the device raises when a DMA is done ("raise interrupt 0x100"). */
    static final int IRQ_DMA = 0x100;
    /** Written to INTERRUPT_ACK to clear every interrupt source. */
    static final int IRQ_ALL = 0xffff_ffff;

    /**
     * Where the device's own buffer starts in its DMA address space ("One 4096 bytes long buffer
     * at offset 0x40000").
     */
    static final long DEVICE_BUFFER = 0x40000;
    /** The device buffer's size. */
    static final int DEVICE_BUFFER_BYTES = 4096;
    /**
     * The bytes of the buffer a DMA may touch. QEMU 7.2's range check requires the transfer's end
     * to lie strictly below the buffer's end and stops the whole VM with a hardware error
     * otherwise, so a DMA may never include the buffer's last byte.
     */
    static final int USABLE_BUFFER_BYTES = DEVICE_BUFFER_BYTES - 1;
    /** Address bits the device emits ("the device supports only 28 bits (256 MiB) by default"); higher bits are dropped silently. */
    static final int DMA_MASK_BITS = 28;
    /** The highest bus address the device can reach. */
    static final long DMA_LIMIT = (1L << DMA_MASK_BITS) - 1;

    private EduRegisters() {
    }

    /** The major version field of an IDENTIFICATION value. */
    static int majorVersion(int identification) {
        return identification >>> 24;
    }

    /** The minor version field of an IDENTIFICATION value. */
    static int minorVersion(int identification) {
        return (identification >>> 16) & 0xff;
    }

    /** Whether {@code identification} is an edu this driver knows. */
    static boolean isSupported(int identification) {
        return (identification & IDENTIFICATION_MAGIC_MASK) == IDENTIFICATION_MAGIC
            && majorVersion(identification) == SUPPORTED_MAJOR_VERSION;
    }
}
