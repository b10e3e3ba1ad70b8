package io.dmactl.provider.ioat;

import io.dmactl.core.spi.CompletionInterrupt;

/**
 * The PCI function an engine drives, as far as the driver needs it: its register BAR, MSI-X
 * vectors and bus mastering. The runtime's {@code VfioDevice} behind it in production
 * ({@link VfioIoatFunction}); a device model in tests. The function stays its owner's: the
 * engine undoes what it set (interrupts, bus mastering) and never closes it.
 */
public interface IoatFunction {

    /**
     * The PCI address, or a model's name; for messages.
     *
     * @return the address
     */
    String address();

    /**
     * BAR0, the register space.
     *
     * @return the registers
     */
    IoatMmio registers();

    /**
     * MSI-X vectors the function offers (0 if none).
     *
     * @return the number of vectors
     */
    int msixVectors();

    /**
     * Routes MSI-X vectors 0..count-1 to one signal each (vector n is channel n's).
     *
     * @param count the vectors to enable, at least 1
     * @return one interrupt per vector
     * @throws IllegalStateException if fewer vectors are offered
     */
    CompletionInterrupt[] enableMsix(int count);

    /** Detaches every interrupt {@link #enableMsix} routed (a no-op when none). */
    void disableInterrupts();

    /** Sets Bus Master Enable in the command register: the function may then do DMA. */
    void enableBusMaster();

    /** Clears Bus Master Enable: the function may no longer do DMA. */
    void disableBusMaster();
}
