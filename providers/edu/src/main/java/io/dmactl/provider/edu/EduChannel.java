package io.dmactl.provider.edu;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.vfio.pci.MmioRegisters;

import static io.dmactl.provider.edu.EduRegisters.DEVICE_BUFFER;
import static io.dmactl.provider.edu.EduRegisters.DMA_CMD_EDU_TO_RAM;
import static io.dmactl.provider.edu.EduRegisters.DMA_CMD_RAISE_IRQ;
import static io.dmactl.provider.edu.EduRegisters.DMA_CMD_START;
import static io.dmactl.provider.edu.EduRegisters.DMA_COMMAND;
import static io.dmactl.provider.edu.EduRegisters.DMA_COUNT;
import static io.dmactl.provider.edu.EduRegisters.DMA_DESTINATION;
import static io.dmactl.provider.edu.EduRegisters.DMA_SOURCE;
import static io.dmactl.provider.edu.EduRegisters.INTERRUPT_ACK;
import static io.dmactl.provider.edu.EduRegisters.IRQ_DMA;

/**
 * edu's only channel: a software descriptor ring in front of a register engine that runs one DMA
 * at a time.
 *
 * <pre>
 *   harvested      head            published        tail
 *       |  done,     | running (busy) |  submitted,   |  enqueued,
 *       |  not yet   | or next        |  waiting for  |  not yet
 *       |  reported  |                |  the device   |  submitted
 *   ----+------------+----------------+---------------+----> tickets
 * </pre>
 *
 * enqueue checks the op ({@link EduOpCheck}) and writes a descriptor: the register values it will
 * need, or "refused" (command 0) with the reason. submit publishes the descriptors and, if the
 * device is idle, programs the next one. poll reads DMA_COMMAND: once it reads the command written
 * with START clear the running op is done, the next one is started, and finished ops are reported
 * in ticket order. Any other value than that or the command itself is not trusted
 * ({@link DmaCommandFaults}): nothing completes, the channel leaves the device alone and the
 * watchdog resets the engine. The device hands back no count: completions are counted by the
 * channel, one per DMA it started and saw done, so a device cannot complete more ops than ran. A
 * refused op never reaches a register and completes {@link OpStatus#INVALID} with its
 * {@link EduOpCheck} code as device code. Ops run strictly in ticket order, so fences hold
 * trivially. Single owner thread, nothing allocated after construction.
 */
final class EduChannel implements DmaChannel {
    // ---- hot: owner thread ----
    private final MmioRegisters registers;
    private final int bufferSpace;
    private final long commandExtraBits;
    private final boolean acknowledgeInterrupt;
    /** INTx mode: re-arms the line VFIO masked when it delivered the interrupt; null otherwise. */
    private final Runnable unmaskInterrupt;
    private final long[] source;
    private final long[] destination;
    private final int[] count;
    private final long[] command;
    private final int[] status;
    private final int[] deviceCode;
    private final int capacity;
    private final long mask;
    private long tail;
    private long published;
    private long head;
    private long harvested;
    private boolean busy;
    /** DMA_COMMAND read a value the device should never show: the device is left alone until reset. */
    private boolean halted;
    /** Off the hot path: touched only for a faulty DMA_COMMAND value. */
    private final DmaCommandFaults faults = new DmaCommandFaults();

    // ---- below here: not on the I/O path ----
    private final int index;
    private final CompletionInterrupt interrupt;

    /**
     * @param bufferSpace the space id of the device buffer
     * @param interrupt   the MSI interrupt when completions are signalled by the device, or null
     *                    for polling (then the device is not asked to raise an interrupt)
     */
    EduChannel(int index, MmioRegisters registers, int bufferSpace, int ringSize, CompletionInterrupt interrupt) {
        this(index, registers, bufferSpace, ringSize, interrupt, null);
    }

    /**
     * @param unmaskInterrupt for a level-triggered, automasked interrupt (INTx): run after each
     *                        completion's INTERRUPT_ACK, so the line is low again when VFIO unmasks
     *                        it; must not allocate. Null for MSI and polling.
     */
    EduChannel(int index, MmioRegisters registers, int bufferSpace, int ringSize, CompletionInterrupt interrupt,
               Runnable unmaskInterrupt) {
        if (unmaskInterrupt != null && interrupt == null) {
            throw new IllegalArgumentException("an interrupt unmask without an interrupt: polling mode unmasks nothing");
        }
        if (ringSize < 2 || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("edu ring size " + ringSize + " must be a power of two of at least 2");
        }
        this.index = index;
        this.registers = registers;
        this.bufferSpace = bufferSpace;
        this.interrupt = interrupt;
        this.acknowledgeInterrupt = interrupt != null;
        this.unmaskInterrupt = unmaskInterrupt;
        this.commandExtraBits = interrupt != null ? DMA_CMD_RAISE_IRQ : 0;
        this.capacity = ringSize;
        this.mask = ringSize - 1;
        this.source = new long[ringSize];
        this.destination = new long[ringSize];
        this.count = new int[ringSize];
        this.command = new long[ringSize];
        this.status = new int[ringSize];
        this.deviceCode = new int[ringSize];
    }

    @Override
    public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        long ticket = tail;
        if (ticket - harvested == capacity) {
            return NO_SPACE;
        }
        int slot = (int) (ticket & mask);
        int refusal = EduOpCheck.check(bufferSpace, srcSpace, srcAddress, dstSpace, dstAddress, lengthBytes);
        if (refusal != EduOpCheck.OK) {
            refuse(slot, refusal);
        } else if (srcSpace == SPACE_BUS) {
            source[slot] = srcAddress;
            destination[slot] = DEVICE_BUFFER + dstAddress;
            count[slot] = lengthBytes;
            command[slot] = DMA_CMD_START | commandExtraBits;
            deviceCode[slot] = 0;
        } else {
            source[slot] = DEVICE_BUFFER + srcAddress;
            destination[slot] = dstAddress;
            count[slot] = lengthBytes;
            command[slot] = DMA_CMD_START | DMA_CMD_EDU_TO_RAM | commandExtraBits;
            deviceCode[slot] = 0;
        }
        tail = ticket + 1;
        if ((flags & FLAG_SUBMIT) != 0) {
            submit();
        }
        return ticket;
    }

    @Override
    public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        long ticket = tail;
        if (ticket - harvested == capacity) {
            return NO_SPACE;
        }
        refuse((int) (ticket & mask), EduOpCheck.UNSUPPORTED_OP);
        tail = ticket + 1;
        if ((flags & FLAG_SUBMIT) != 0) {
            submit();
        }
        return ticket;
    }

    private void refuse(int slot, int refusal) {
        command[slot] = 0;
        status[slot] = OpStatus.INVALID;
        deviceCode[slot] = refusal;
    }

    @Override
    public void submit() {
        published = tail;
        if (!busy && !halted) {
            startNext();
        }
    }

    @Override
    public int poll(CompletionBatch out) {
        out.clear();
        // Acquire: edu writes the destination memory before it clears START, so the client's reads
        // of that memory, which follow this completion, see the data.
        if (busy && !halted && isDone(registers.read64Acquire(DMA_COMMAND))) {
            int slot = (int) (head & mask);
            status[slot] = OpStatus.SUCCESS;
            head++;
            busy = false;
            if (acknowledgeInterrupt) {
                registers.write32(INTERRUPT_ACK, IRQ_DMA);
                if (unmaskInterrupt != null) {
                    // After the ack: edu lowers INTx once INTERRUPT_STATUS is 0. Unmasking a line
                    // that is still high would only interrupt again at once.
                    unmaskInterrupt.run();
                }
            }
            startNext();
        }
        long from = harvested;
        int n = (int) Math.min(head - from, out.remaining());
        for (int i = 0; i < n; i++) {
            int slot = (int) ((from + i) & mask);
            out.add(from + i, status[slot], deviceCode[slot]);
        }
        harvested = from + n;
        return n;
    }

    /**
     * Whether the running op is done: DMA_COMMAND is the command written with START clear. The
     * command itself means still running; anything else is recorded and halts the channel.
     */
    private boolean isDone(long value) {
        long written = command[(int) (head & mask)];
        if (value == (written & ~DMA_CMD_START)) {
            return true;
        }
        if (value != written) {
            halted = true;
            faults.record(value, written);
        }
        return false;
    }

    /** Programs the first submitted op that passed its checks; refused ops on the way just complete. */
    private void startNext() {
        while (head < published) {
            int slot = (int) (head & mask);
            long cmd = command[slot];
            if (cmd == 0) {
                head++;
                continue;
            }
            registers.write64(DMA_SOURCE, source[slot]);
            registers.write64(DMA_DESTINATION, destination[slot]);
            registers.write64(DMA_COUNT, count[slot]);
            // Release: the three parameters above, and the client's stores into the source memory
            // (handed to this thread before enqueue), are ordered before the start bit.
            registers.write64Release(DMA_COMMAND, cmd);
            busy = true;
            return;
        }
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
        return interrupt;
    }

    /**
     * Engine reset, owner paused, device quiesced (no DMA running): drops every op not yet
     * reported; poll will never report them. Ticket numbering continues; a fault condition clears.
     */
    void dropOutstanding() {
        long t = tail;
        published = t;
        head = t;
        harvested = t;
        busy = false;
        halted = false;
        faults.restart();
    }

    /** Faulty DMA_COMMAND values seen (control path: the watchdog, tests). */
    DmaCommandFaults faults() {
        return faults;
    }

    /** Ops enqueued and not yet reported by poll (control path: diagnostics, tests). */
    long outstanding() {
        return tail - harvested;
    }
}
