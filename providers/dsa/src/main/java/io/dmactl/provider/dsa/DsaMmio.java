package io.dmactl.provider.dsa;

import io.dmactl.core.spi.CompletionInterrupt;

import java.lang.foreign.MemorySegment;

/**
 * Every access dmactl makes to a DSA function reached through vfio-pci: BAR0 registers (32/64-bit)
 * and the portal stores into BAR2. vfio-binding's {@code MmioRegisters} and {@code PortalStores}
 * in production; the register-file model in tests (which is why it is an interface).
 */
public interface DsaMmio {
    /** Names the function, for messages. */
    String subject();

    int read32(long offset);

    void write32(long offset, int value);

    long read64(long offset);

    void write64(long offset, long value);

    /**
     * One 64-byte MOVDIR64B store of {@code descriptor} (at {@code offsetBytes}) into the portal at
     * {@code portalOffset} of BAR2. Posted: the device gives no answer.
     */
    void portalStore(long portalOffset, MemorySegment descriptor, long offsetBytes);

    /** MSI-X vectors the function offers on eventfds (0 when none). */
    int msixVectors();

    /** Vectors 0..count-1 to eventfds; the returned signals in vector order. */
    CompletionInterrupt[] enableMsix(int count);

    /** Detaches the vectors (no-op when none are attached). */
    void disableInterrupts();

    void enableBusMaster();

    void disableBusMaster();
}
