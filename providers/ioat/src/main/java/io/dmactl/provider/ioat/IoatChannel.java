package io.dmactl.provider.ioat;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static io.dmactl.provider.ioat.IoatDescriptor.CONTROL;
import static io.dmactl.provider.ioat.IoatDescriptor.CTL_COMPL_WRITE;
import static io.dmactl.provider.ioat.IoatDescriptor.CTL_FENCE;
import static io.dmactl.provider.ioat.IoatDescriptor.CTL_NULL;
import static io.dmactl.provider.ioat.IoatDescriptor.DST;
import static io.dmactl.provider.ioat.IoatDescriptor.SHIFT;
import static io.dmactl.provider.ioat.IoatDescriptor.SIZE;
import static io.dmactl.provider.ioat.IoatDescriptor.SRC;

/**
 * One QuickData channel: the fast path. A ring of 64-byte descriptors in DMA memory, linked once
 * through their NEXT fields; the device walks it from CHAINADDR and runs as many descriptors as
 * DMACOUNT says were appended; it writes CHANSTS (the address of the last completed descriptor and
 * the channel state) to the completion area named by CHANCMP after every descriptor.
 *
 * <pre>
 *   enqueue   plain stores of SIZE, CONTROL (COMPL_WRITE; FENCE on the previous one for FLAG_FENCE),
 *             SRC, DST into slot (written mod slots); ticket recorded for the slot
 *   submit    FENCE (and INT_EN with MSI-X) on the batch's last descriptor, then one release store
 *             of DMACOUNT = descriptors since CHAINADDR, mod 2^16: the only doorbell
 *   poll      acquire load of the completion area: "descriptor at address A done" means every
 *             descriptor up to A is done (one channel runs its ring in order); each one's ticket
 *             is reported once, with SUCCESS or with the status its null descriptor stands for.
 *             State HALTED: the descriptor after A failed; IoatChannelControl ends it with CHANERR
 *             as its device code, resets the channel and restarts it at the descriptor after that
 * </pre>
 *
 * <p>The ring has twice as many slots as {@link #capacity()} ops may be outstanding, so the
 * completion address always names one descriptor unambiguously. An op the engine cannot run
 * (a space other than the bus, a length of 0 or beyond XFERCAP, a fill without FILL_BLOCK) is
 * written as a null descriptor: it keeps its place in the ring, moves nothing and completes
 * {@link OpStatus#INVALID} with one of the {@code INVALID_} reasons as its device code.
 *
 * <p>FLAG_FENCE is the descriptor FENCE bit of the op <em>before</em> the fenced one (the
 * hardware's fence orders a descriptor before its successor). When that op already went out with
 * an earlier doorbell its bit can no longer be set, so the last descriptor of every doorbell batch
 * carries FENCE: a fenced op never overtakes work of an earlier batch, at the cost of one pipeline
 * drain per doorbell.
 *
 * <p>A completion area naming a descriptor outside the ring, or one that was never handed to the
 * device, is not believed: the channel stops (no more register accesses, polls report nothing),
 * and {@link IoatEngine#fatalCondition()} says why, so the core resets the engine.
 */
final class IoatChannel implements DmaChannel {
    static final VarHandle LONG_LE = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG_LE_LAYOUT = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Device code of an INVALID op: a space other than {@link #SPACE_BUS}. */
    static final int INVALID_SPACE = 1;
    /** Device code of an INVALID op: length 0, negative or beyond XFERCAP. */
    static final int INVALID_LENGTH = 2;
    /** Device code of an INVALID op: a fill, and DMACAPABILITY has no FILL_BLOCK. */
    static final int INVALID_NO_FILL = 3;

    private static final int COPY_CONTROL = IoatDescriptor.control(IoatDescriptor.OP_COPY, CTL_COMPL_WRITE);
    private static final int FILL_CONTROL = IoatDescriptor.control(IoatDescriptor.OP_FILL, CTL_COMPL_WRITE);
    static final int NULL_CONTROL = IoatDescriptor.control(IoatDescriptor.OP_COPY, CTL_NULL | CTL_COMPL_WRITE);

    // ---- hot: what enqueue, submit and poll touch ----
    final MemorySegment ring;
    final long ringIova;
    final int slotMask;
    final MemorySegment completionArea;
    final long[] slotTicket;
    final int[] slotStatus;
    final int[] slotCode;
    final IoatMmio mmio;
    final long dmacountRegister;
    private final long chanctrlRegister;
    private final int capacity;
    private final int maxTransferBytes;
    private final boolean fill;
    /** CHANCTRL with INT_REARM, written by the first poll after an interrupt (MSI-X); 0 when polling. */
    private final int rearmControl;
    /** MSI-X: the channel's vector, which notes when it fired so that poll re-arms; null when polling. */
    private final RearmingInterrupt rearming;
    /** FENCE, and INT_EN with MSI-X: set on the last descriptor of each doorbell batch. */
    private final int batchEndBits;
    private long nextTicket;
    /** Descriptors written into the ring since open (cumulative). */
    long written;
    /** Descriptors handed to the device with a doorbell (cumulative). */
    long submitted;
    /** Descriptors the device reported done (cumulative). */
    long deviceCompleted;
    /** Descriptors whose completion poll has reported (cumulative). */
    long harvested;
    /** The cumulative count at the last CHAINADDR write: DMACOUNT counts from there. */
    long hwBase;
    /** The completion area value last decoded. */
    long lastWord;
    /** Set when the channel must not touch the device any more (forged completion, failed recovery). */
    volatile boolean stopped;

    // ---- below here: not on the I/O path ----
    private final int index;
    final IoatChannelControl control;

    IoatChannel(int index, IoatMmio mmio, long channelBase, MemorySegment ring, long ringIova, MemorySegment completionArea,
                long completionIova, int capacity, int maxTransferBytes, boolean fill, CompletionInterrupt interrupt,
                long resetTimeoutNanos, String engineName) {
        this.index = index;
        this.mmio = mmio;
        this.ring = ring;
        this.ringIova = ringIova;
        int slots = 2 * capacity;
        if (ring.byteSize() < (long) slots * IoatDescriptor.BYTES) {
            throw new IllegalArgumentException("ring of " + ring.byteSize() + " bytes holds fewer than " + slots + " descriptors");
        }
        this.slotMask = slots - 1;
        this.completionArea = completionArea;
        this.slotTicket = new long[slots];
        this.slotStatus = new int[slots];
        this.slotCode = new int[slots];
        this.dmacountRegister = channelBase + IoatChannelRegisters.DMACOUNT;
        this.chanctrlRegister = channelBase + IoatChannelRegisters.CHANCTRL;
        this.capacity = capacity;
        this.maxTransferBytes = maxTransferBytes;
        this.fill = fill;
        this.rearming = interrupt == null ? null : new RearmingInterrupt(interrupt);
        int control = IoatChannelRegisters.CHANCTRL_ANY_ERR_ABORT_EN | IoatChannelRegisters.CHANCTRL_ERR_COMPLETION_EN;
        if (interrupt != null) {
            control |= IoatChannelRegisters.CHANCTRL_ERR_INT_EN | IoatChannelRegisters.CHANCTRL_INT_REARM;
        }
        this.rearmControl = interrupt != null ? control : 0;
        this.batchEndBits = CTL_FENCE | (interrupt != null ? IoatDescriptor.CTL_INT_EN : 0);
        // Link the ring once: slot i's NEXT is slot i + 1, the last slot's is slot 0.
        for (int i = 0; i < slots; i++) {
            ring.set(LONG_LE_LAYOUT, ((long) i << SHIFT) + IoatDescriptor.NEXT, ringIova + ((long) ((i + 1) & slotMask) << SHIFT));
        }
        this.control = new IoatChannelControl(this, engineName + " channel " + index, channelBase, control, completionIova,
            resetTimeoutNanos);
    }

    @Override
    public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        if (written - harvested >= capacity || stopped) {
            return NO_SPACE;
        }
        if (srcSpace != SPACE_BUS || dstSpace != SPACE_BUS) {
            return put(NULL_CONTROL, IoatDescriptor.NULL_SIZE, 0, 0, flags, OpStatus.INVALID, INVALID_SPACE);
        }
        if (lengthBytes <= 0 || lengthBytes > maxTransferBytes) {
            return put(NULL_CONTROL, IoatDescriptor.NULL_SIZE, 0, 0, flags, OpStatus.INVALID, INVALID_LENGTH);
        }
        return put(COPY_CONTROL, lengthBytes, srcAddress, dstAddress, flags, OpStatus.SUCCESS, 0);
    }

    @Override
    public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        if (written - harvested >= capacity || stopped) {
            return NO_SPACE;
        }
        if (!fill) {
            return put(NULL_CONTROL, IoatDescriptor.NULL_SIZE, 0, 0, flags, OpStatus.INVALID, INVALID_NO_FILL);
        }
        if (dstSpace != SPACE_BUS) {
            return put(NULL_CONTROL, IoatDescriptor.NULL_SIZE, 0, 0, flags, OpStatus.INVALID, INVALID_SPACE);
        }
        if (lengthBytes <= 0 || lengthBytes > maxTransferBytes) {
            return put(NULL_CONTROL, IoatDescriptor.NULL_SIZE, 0, 0, flags, OpStatus.INVALID, INVALID_LENGTH);
        }
        // A fill descriptor carries its 8-byte pattern where a copy has its source address.
        return put(FILL_CONTROL, lengthBytes, pattern, dstAddress, flags, OpStatus.SUCCESS, 0);
    }

    /** Writes one descriptor into the next slot (plain stores: the doorbell's release orders them). */
    private long put(int control, int lengthBytes, long src, long dst, int flags, int status, int code) {
        long w = written;
        if ((flags & FLAG_FENCE) != 0 && w > submitted) {
            // The previous descriptor is not the device's yet: its FENCE holds this one back.
            long previous = ((w - 1) & slotMask) << SHIFT;
            ring.set(INT_LE, previous + CONTROL, ring.get(INT_LE, previous + CONTROL) | CTL_FENCE);
        } // else it ended a doorbell batch and carries FENCE already (see the class comment)
        int slot = (int) w & slotMask;
        long at = (long) slot << SHIFT;
        ring.set(INT_LE, at + SIZE, lengthBytes);
        ring.set(INT_LE, at + CONTROL, control);
        ring.set(LONG_LE_LAYOUT, at + SRC, src);
        ring.set(LONG_LE_LAYOUT, at + DST, dst);
        long ticket = nextTicket++;
        slotTicket[slot] = ticket;
        slotStatus[slot] = status;
        slotCode[slot] = code;
        written = w + 1;
        if ((flags & FLAG_SUBMIT) != 0) {
            submit();
        }
        return ticket;
    }

    @Override
    public void submit() {
        long w = written;
        if (w == submitted || stopped) {
            return;
        }
        long last = ((w - 1) & slotMask) << SHIFT;
        ring.set(INT_LE, last + CONTROL, ring.get(INT_LE, last + CONTROL) | batchEndBits);
        submitted = w;
        // Release: every descriptor store above is visible before the device sees the new count.
        mmio.write16Release(dmacountRegister, (int) (w - hwBase) & 0xffff);
    }

    @Override
    public int poll(CompletionBatch out) {
        out.clear();
        if (stopped) {
            return 0;
        }
        // Acquire: the data the device wrote before its completion write is seen after this load.
        long word = (long) LONG_LE.getAcquire(completionArea, 0L);
        if (word != lastWord && !advance(word)) {
            return 0;
        }
        long h = harvested;
        long done = deviceCompleted;
        while (h < done && out.remaining() > 0) {
            int slot = (int) h & slotMask;
            long ticket = slotTicket[slot];
            if (ticket >= 0) {
                out.add(ticket, slotStatus[slot], slotCode[slot]);
            }
            h++;
        }
        harvested = h;
        if (h == done && IoatChannelRegisters.state(lastWord) == IoatChannelRegisters.CHANSTS_HALTED && out.remaining() > 0) {
            control.recoverFromHalt(out);
        }
        if (rearming != null && rearming.fired && !stopped) {
            // The interrupt that woke the owner consumed INT_REARM: arm it again, after harvesting.
            rearming.fired = false;
            mmio.write16(chanctrlRegister, rearmControl);
        }
        return out.count();
    }

    /**
     * Decodes a new completion area value: the descriptor it names and everything before it are
     * done. Refuses (and stops the channel) an address outside the ring or beyond what was submitted.
     */
    private boolean advance(long word) {
        long offset = IoatChannelRegisters.completedDescriptor(word) - ringIova;
        boolean inRing = offset >= 0 && offset < (long) (slotMask + 1) << SHIFT;
        long done = deviceCompleted;
        long next = inRing ? done + (((offset >>> SHIFT) + 1 - done) & slotMask) : -1;
        if (!inRing || next > submitted) {
            if (IoatChannelRegisters.state(word) == IoatChannelRegisters.CHANSTS_HALTED) {
                // Halted on the first descriptor after a reset: nothing completed since CHAINADDR, and
                // the address field holds whatever the reset left. Recovery checks CHANSTS itself.
                lastWord = word;
                return true;
            }
            control.forgedCompletion(word, inRing ? "names a descriptor that was never submitted" : "names no descriptor of the ring");
            return false;
        }
        deviceCompleted = next;
        lastWord = word;
        return true;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public CompletionInterrupt interrupt() {
        return rearming;
    }

    /**
     * The channel's MSI-X signal as the owner sees it. The device clears CHANCTRL.INT_REARM when it
     * raises the vector, so the poll that follows a consumed signal writes INT_REARM again (what
     * an interrupt handler does after its cleanup). Re-arming on "poll found completions" instead
     * would race: the completion write can be seen before the device clears INT_REARM, and the
     * next batch would then raise nothing.
     */
    static final class RearmingInterrupt implements CompletionInterrupt {
        private final CompletionInterrupt vector;
        /**
         * Set by {@link #await} (the channel's worker, which waits without owning the channel),
         * read and cleared by {@code poll} (whoever owns the channel): volatile.
         */
        volatile boolean fired;

        RearmingInterrupt(CompletionInterrupt vector) {
            this.vector = vector;
        }

        @Override
        public boolean await(long timeoutNanos) {
            boolean signalled = vector.await(timeoutNanos);
            if (signalled) {
                fired = true;
            }
            return signalled;
        }

        @Override
        public void wakeup() {
            vector.wakeup();
        }

        @Override
        public String toString() {
            return vector.toString();
        }
    }

    @Override
    public String toString() {
        return control.name();
    }
}
