package io.dmactl.provider.ioat;

/**
 * Every register access the driver makes to a QuickData function's BAR0, at byte offsets into it.
 * In production it is vfio-binding's {@code MmioRegisters} over the mapped BAR (range-checked,
 * little-endian, opaque accesses; {@link #write16Release} orders every earlier store before it).
 * A device model implements it to see each access as it happens (see the provider's test
 * sources): that is why it is an interface.
 *
 * <p>Widths follow the register map: CHANCNT, XFERCAP, INTRCTRL, CBVER and CHANCMD are 8-bit,
 * CHANCTRL and DMACOUNT 16-bit, DMACAPABILITY and CHANERR 32-bit, CHANSTS, CHAINADDR and CHANCMP
 * 64-bit (one 8-byte access).
 */
public interface IoatMmio {

    /** Names the device and BAR, for messages. */
    String subject();

    int read8(long offset);

    void write8(long offset, int value);

    int read16(long offset);

    void write16(long offset, int value);

    /** The doorbell write: every store the program made before it is visible to the device first. */
    void write16Release(long offset, int value);

    int read32(long offset);

    void write32(long offset, int value);

    long read64(long offset);

    void write64(long offset, long value);
}
