package io.dmactl.provider.ioat;

import io.dmactl.core.spi.CompletionBatch;

import java.util.concurrent.locks.LockSupport;

import static io.dmactl.provider.ioat.IoatChannelRegisters.CHAINADDR;
import static io.dmactl.provider.ioat.IoatChannelRegisters.CHANCMD;
import static io.dmactl.provider.ioat.IoatChannelRegisters.CHANCMD_RESET;
import static io.dmactl.provider.ioat.IoatChannelRegisters.CHANCMP;
import static io.dmactl.provider.ioat.IoatChannelRegisters.CHANCTRL;
import static io.dmactl.provider.ioat.IoatChannelRegisters.CHANERR;
import static io.dmactl.provider.ioat.IoatChannelRegisters.CHANSTS;
import static io.dmactl.provider.ioat.IoatChannelRegisters.CHANSTS_DONE;
import static io.dmactl.provider.ioat.IoatChannelRegisters.CHANSTS_HALTED;
import static io.dmactl.provider.ioat.IoatDescriptor.SHIFT;

/**
 * The control path of one {@link IoatChannel}: reset, (re)start, recovery after an error halted
 * the channel, and retirement when it will not come back. The sequences, from the datasheet's
 * channel programming description as the open drivers carry it out (Linux ioatdma's reset and
 * restart, DPDK ioat's recovery):
 *
 * <ol>
 * <li><b>Reset</b>: write CHANERR back to itself (its bits are write-1-to-clear), write CHANCMD =
 *     RESET, wait (bounded) until RESET reads back clear, check CHANSTS reads HALTED.</li>
 * <li><b>Program</b>: CHANCTRL (abort on any error, completion write on error; with MSI-X also the
 *     error interrupt and INT_REARM), CHANCMP = the completion area, CHAINADDR = the first
 *     descriptor to run; DMACOUNT now counts from 0 again.</li>
 * <li><b>Start</b> (open and engine reset): one null descriptor, then wait (bounded) for the
 *     completion area to name it; a channel that cannot run a null descriptor is not used.</li>
 * <li><b>Recover</b> (poll saw HALTED): the descriptor after the last completed one failed; it ends
 *     with the status CHANERR maps to and CHANERR as its device code; reset, program CHAINADDR at
 *     the descriptor after it and ring DMACOUNT for the ones already submitted, which run as if
 *     nothing happened. Ops in flight thus all end with a status. If the reset fails the channel
 *     is retired: it stops touching the device and {@link #retiredReason()} says why, which makes
 *     the core reset the engine (dropping and failing the rest) or retire it.</li>
 * </ol>
 */
final class IoatChannelControl {
    /** Between two reads of the completion area while waiting for the start null descriptor. */
    private static final long START_POLL_PAUSE_NANOS = 1_000;

    private final IoatChannel channel;
    private final String name;
    private final long base;
    private final int chanctrl;
    private final long completionIova;
    private final long timeoutNanos;
    private volatile String retiredReason;
    private long recoveries;
    private int lastChanerr;

    IoatChannelControl(IoatChannel channel, String name, long channelBase, int chanctrl, long completionIova, long timeoutNanos) {
        this.channel = channel;
        this.name = name;
        this.base = channelBase;
        this.chanctrl = chanctrl;
        this.completionIova = completionIova;
        this.timeoutNanos = timeoutNanos;
    }

    String name() {
        return name;
    }

    /** Why the channel stopped, or null while it serves. A field read. */
    String retiredReason() {
        return retiredReason;
    }

    /** Errors the channel recovered from since open. */
    synchronized long recoveries() {
        return recoveries;
    }

    /** CHANERR of the last error recovered from (0 if none). */
    synchronized int lastChanerr() {
        return lastChanerr;
    }

    /**
     * Resets the channel hardware (step 1).
     *
     * @throws IllegalStateException if RESET does not clear in time or CHANSTS is not HALTED after it
     */
    void resetHardware() {
        IoatMmio mmio = channel.mmio;
        int errors = mmio.read32(base + CHANERR);
        if (errors != 0) {
            mmio.write32(base + CHANERR, errors); // write-1-to-clear
        }
        mmio.write8(base + CHANCMD, CHANCMD_RESET);
        long start = System.nanoTime();
        while ((mmio.read8(base + CHANCMD) & CHANCMD_RESET) != 0) {
            if (System.nanoTime() - start > timeoutNanos) {
                throw new IllegalStateException(name + ": CHANCMD.RESET still set " + timeoutNanos / 1_000_000
                    + " ms after the reset was requested");
            }
            LockSupport.parkNanos(START_POLL_PAUSE_NANOS);
        }
        long status = mmio.read64(base + CHANSTS);
        if (IoatChannelRegisters.state(status) != CHANSTS_HALTED) {
            throw new IllegalStateException(name + ": CHANSTS reads 0x" + Long.toHexString(status) + " ("
                + IoatChannelRegisters.stateName(IoatChannelRegisters.state(status)) + ") after reset, expected HALTED");
        }
        int left = mmio.read32(base + CHANERR);
        if (left != 0) {
            throw new IllegalStateException(name + ": CHANERR reads 0x" + Integer.toHexString(left) + " ("
                + IoatChannelRegisters.errorText(left) + ") after it was cleared and the channel reset");
        }
    }

    /**
     * Steps 2 and 3 after a reset, dropping every op not yet reported: the next descriptor runs a
     * null descriptor and the channel is ready when its completion comes back.
     *
     * @throws IllegalStateException if the null descriptor does not complete in time
     */
    void startWithNull() {
        IoatChannel c = channel;
        c.harvested = c.written;
        c.deviceCompleted = c.written;
        c.submitted = c.written;
        program(c.written);
        long w = c.written;
        int slot = (int) w & c.slotMask;
        long at = (long) slot << SHIFT;
        c.ring.set(IoatChannel.INT_LE, at + IoatDescriptor.SIZE, IoatDescriptor.NULL_SIZE);
        c.ring.set(IoatChannel.INT_LE, at + IoatDescriptor.CONTROL, IoatChannel.NULL_CONTROL | IoatDescriptor.CTL_FENCE);
        c.ring.set(IoatChannel.LONG_LE_LAYOUT, at + IoatDescriptor.SRC, 0L);
        c.ring.set(IoatChannel.LONG_LE_LAYOUT, at + IoatDescriptor.DST, 0L);
        c.slotTicket[slot] = -1;
        c.written = w + 1;
        c.submitted = w + 1;
        c.mmio.write16Release(c.dmacountRegister, 1);
        long expected = c.ringIova + at;
        long start = System.nanoTime();
        while (true) {
            long word = (long) IoatChannel.LONG_LE.getAcquire(c.completionArea, 0L);
            int state = IoatChannelRegisters.state(word);
            if (IoatChannelRegisters.completedDescriptor(word) == expected && state != CHANSTS_HALTED) {
                c.lastWord = word;
                c.deviceCompleted = w + 1;
                c.harvested = w + 1;
                retiredReason = null;
                c.stopped = false;
                return;
            }
            if (state == CHANSTS_HALTED || System.nanoTime() - start > timeoutNanos) {
                long status = c.mmio.read64(base + CHANSTS);
                int errors = c.mmio.read32(base + CHANERR);
                throw new IllegalStateException(name + ": the start null descriptor did not complete"
                    + (state == CHANSTS_HALTED ? " (the channel halted)" : " within " + timeoutNanos / 1_000_000 + " ms")
                    + ": completion area 0x" + Long.toHexString(word) + ", CHANSTS 0x" + Long.toHexString(status) + ", CHANERR 0x"
                    + Integer.toHexString(errors) + " (" + IoatChannelRegisters.errorText(errors) + ")");
            }
            LockSupport.parkNanos(START_POLL_PAUSE_NANOS);
        }
    }

    /**
     * Step 2: CHANCTRL, CHANCMP and CHAINADDR for a run that starts at cumulative descriptor
     * {@code from}; the completion area is set to name the descriptor before it, as if the
     * device had just completed it, so that a stale value never decodes as progress.
     */
    private void program(long from) {
        IoatChannel c = channel;
        long previous = c.ringIova + ((long) ((int) (from - 1) & c.slotMask) << SHIFT);
        long word = previous | CHANSTS_DONE;
        c.completionArea.set(IoatChannel.LONG_LE_LAYOUT, 0, word);
        c.lastWord = word;
        c.hwBase = from;
        IoatMmio mmio = c.mmio;
        mmio.write16(base + CHANCTRL, chanctrl);
        mmio.write64(base + CHANCMP, completionIova);
        mmio.write64(base + CHAINADDR, c.ringIova + ((long) ((int) from & c.slotMask) << SHIFT));
    }

    /**
     * Step 4, from poll (the channel's owner thread) once everything before the failed descriptor
     * was reported and {@code out} has room for it.
     */
    void recoverFromHalt(CompletionBatch out) {
        IoatChannel c = channel;
        IoatMmio mmio = c.mmio;
        long status = mmio.read64(base + CHANSTS);
        if (IoatChannelRegisters.state(status) != CHANSTS_HALTED) {
            forgedCompletion(c.lastWord, "says HALTED while CHANSTS reads 0x" + Long.toHexString(status) + " ("
                + IoatChannelRegisters.stateName(IoatChannelRegisters.state(status)) + ")");
            return;
        }
        int errors = mmio.read32(base + CHANERR);
        long failed = c.deviceCompleted;
        if (failed < c.submitted) {
            int slot = (int) failed & c.slotMask;
            long ticket = c.slotTicket[slot];
            if (ticket >= 0) {
                out.add(ticket, IoatChannelRegisters.opStatus(errors), errors);
            }
            c.deviceCompleted = failed + 1;
            c.harvested = failed + 1;
        }
        synchronized (this) {
            recoveries++;
            lastChanerr = errors;
        }
        try {
            resetHardware();
        } catch (RuntimeException e) {
            retire("CHANERR 0x" + Integer.toHexString(errors) + " (" + IoatChannelRegisters.errorText(errors)
                + ") halted the channel and it did not recover: " + e.getMessage());
            return;
        }
        long from = c.deviceCompleted;
        program(from);
        if (c.submitted > from) {
            // The descriptors after the failed one never ran: hand them to the device again.
            mmio.write16Release(c.dmacountRegister, (int) (c.submitted - from) & 0xffff);
        }
    }

    /** A completion area value the channel does not believe: stop touching the device. */
    void forgedCompletion(long word, String why) {
        retire("completion area reads 0x" + Long.toHexString(word) + ", which " + why + " (ring at 0x"
            + Long.toHexString(channel.ringIova) + ", " + (channel.slotMask + 1) + " slots)");
    }

    private void retire(String reason) {
        channel.stopped = true;
        retiredReason = name + ": " + reason;
    }
}
