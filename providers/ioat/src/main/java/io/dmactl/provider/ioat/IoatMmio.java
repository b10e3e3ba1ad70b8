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

    /**
     * Names the device and BAR, for messages.
     *
     * @return the subject
     */
    String subject();

    /**
     * Reads the 8-bit register at {@code offset}.
     *
     * @param offset the register's byte offset in BAR0
     * @return the value, 0..255
     */
    int read8(long offset);

    /**
     * Writes the 8-bit register at {@code offset}.
     *
     * @param offset the register's byte offset in BAR0
     * @param value the value to write (its low bits for narrow registers)
     */
    void write8(long offset, int value);

    /**
     * Reads the 16-bit register at {@code offset}.
     *
     * @param offset the register's byte offset in BAR0
     * @return the value, 0..65535
     */
    int read16(long offset);

    /**
     * Writes the 16-bit register at {@code offset}.
     *
     * @param offset the register's byte offset in BAR0
     * @param value the value to write (its low bits for narrow registers)
     */
    void write16(long offset, int value);

    /**
     * The doorbell write: every store the program made before it is visible to the device first.
     *
     * @param offset the register's byte offset in BAR0
     * @param value the value to write (its low bits for narrow registers)
     */
    void write16Release(long offset, int value);

    /**
     * Reads the 32-bit register at {@code offset}.
     *
     * @param offset the register's byte offset in BAR0
     * @return the value
     */
    int read32(long offset);

    /**
     * Writes the 32-bit register at {@code offset}.
     *
     * @param offset the register's byte offset in BAR0
     * @param value the value to write (its low bits for narrow registers)
     */
    void write32(long offset, int value);

    /**
     * Reads the 64-bit register at {@code offset}, as one 8-byte access.
     *
     * @param offset the register's byte offset in BAR0
     * @return the value
     */
    long read64(long offset);

    /**
     * Writes the 64-bit register at {@code offset}, as one 8-byte access.
     *
     * @param offset the register's byte offset in BAR0
     * @param value the value to write (its low bits for narrow registers)
     */
    void write64(long offset, long value);
}
