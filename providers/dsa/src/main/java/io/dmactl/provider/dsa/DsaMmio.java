package io.dmactl.provider.dsa;

import io.dmactl.core.spi.CompletionInterrupt;

import java.lang.foreign.MemorySegment;

/**
 * Every access dmactl makes to a DSA function reached through vfio-pci: BAR0 registers (32/64-bit)
 * and the portal stores into BAR2. vfio-binding's {@code MmioRegisters} and {@code PortalStores}
 * in production; the register-file model in tests (which is why it is an interface).
 */
public interface DsaMmio {
    /**
     * Names the function, for messages.
     *
     * @return the subject
     */
    String subject();

    /**
     * Reads the 32-bit BAR0 register at {@code offset}.
     *
     * @param offset the register's byte offset in BAR0
     * @return the value
     */
    int read32(long offset);

    /**
     * Writes the 32-bit BAR0 register at {@code offset}.
     *
     * @param offset the register's byte offset in BAR0
     * @param value the value to write
     */
    void write32(long offset, int value);

    /**
     * Reads the 64-bit BAR0 register at {@code offset}, as one 8-byte access.
     *
     * @param offset the register's byte offset in BAR0
     * @return the value
     */
    long read64(long offset);

    /**
     * Writes the 64-bit BAR0 register at {@code offset}, as one 8-byte access.
     *
     * @param offset the register's byte offset in BAR0
     * @param value the value to write
     */
    void write64(long offset, long value);

    /**
     * One 64-byte MOVDIR64B store of {@code descriptor} (at {@code offsetBytes}) into the portal at
     * {@code portalOffset} of BAR2. Posted: the device gives no answer.
     *
     * @param portalOffset the portal's byte offset in BAR2
     * @param descriptor the memory holding the descriptor
     * @param offsetBytes the descriptor's byte offset in {@code descriptor}, 64-byte aligned
     */
    void portalStore(long portalOffset, MemorySegment descriptor, long offsetBytes);

    /**
     * MSI-X vectors the function offers on eventfds (0 when none).
     *
     * @return the number of vectors
     */
    int msixVectors();

    /**
     * Vectors 0..count-1 to eventfds; the returned signals in vector order.
     *
     * @param count the vectors to enable, at least 1
     * @return one interrupt per vector
     */
    CompletionInterrupt[] enableMsix(int count);

    /** Detaches the vectors (no-op when none are attached). */
    void disableInterrupts();

    /** Sets Bus Master Enable in the command register: the function may then do DMA. */
    void enableBusMaster();

    /** Clears Bus Master Enable: the function may no longer do DMA. */
    void disableBusMaster();
}
