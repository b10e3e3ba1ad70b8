package io.dmactl.provider.edu;

import io.dmactl.vfio.pci.MmioRegisters;

import static io.dmactl.provider.edu.EduRegisters.DMA_CMD_START;
import static io.dmactl.provider.edu.EduRegisters.DMA_COMMAND;
import static io.dmactl.provider.edu.EduRegisters.INTERRUPT_ACK;
import static io.dmactl.provider.edu.EduRegisters.IRQ_ALL;
import static io.dmactl.provider.edu.EduRegisters.STATUS;
import static io.dmactl.provider.edu.EduRegisters.STATUS_COMPUTING;

/**
 * Brings edu to a known idle state without a reset, which it does not have (vfio-pci offers no
 * reset method for it): a crashed earlier owner, or an engine reset, may have left a DMA or a
 * factorial running and interrupts pending. Neither can be cancelled, only waited for; in QEMU a
 * DMA finishes about 100 ms after its start (a timer).
 */
final class EduQuiesce {

    private EduQuiesce() {
    }

    /**
     * In order: wait for a running DMA to finish (writes to the DMA registers are ignored while
     * START is set); turn the factorial interrupt off and wait for a running factorial; acknowledge
     * every interrupt source.
     *
     * @throws IllegalStateException naming the register and its value if the device stays busy
     *                               past {@code timeoutNanos}; nothing more is written then
     */
    static void quiesce(MmioRegisters registers, long timeoutNanos) {
        if (!registers.awaitClear64(DMA_COMMAND, DMA_CMD_START, timeoutNanos)) {
            throw new IllegalStateException(registers.subject() + ": a DMA is still running after " + timeoutNanos / 1_000_000
                + " ms (DMA_COMMAND 0x" + Long.toHexString(registers.read64(DMA_COMMAND)) + "); the device cannot be quiesced");
        }
        // STATUS: writing 0 clears "raise interrupt after factorial"; COMPUTING is read only.
        registers.write32(STATUS, 0);
        if (!registers.awaitClear32(STATUS, STATUS_COMPUTING, timeoutNanos)) {
            throw new IllegalStateException(registers.subject() + ": a factorial is still being computed after "
                + timeoutNanos / 1_000_000 + " ms (STATUS 0x" + Integer.toHexString(registers.read32(STATUS)) + ")");
        }
        registers.write32(INTERRUPT_ACK, IRQ_ALL);
    }
}
