package io.dmactl.provider.lsi;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.vfio.pci.MmioRegisters;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.dmactl.provider.lsi.LsiRegisters.DSP;
import static io.dmactl.provider.lsi.LsiRegisters.DSPS;
import static io.dmactl.provider.lsi.LsiRegisters.DSTAT;
import static io.dmactl.provider.lsi.LsiRegisters.DSTAT_ERRORS;
import static io.dmactl.provider.lsi.LsiRegisters.DSTAT_SIR;
import static io.dmactl.provider.lsi.LsiRegisters.ISTAT;
import static io.dmactl.provider.lsi.LsiRegisters.ISTAT_DIP;
import static io.dmactl.provider.lsi.LsiRegisters.ISTAT_SIP;
import static io.dmactl.provider.lsi.LsiRegisters.SIST0;
import static io.dmactl.provider.lsi.LsiRegisters.SIST1;

/**
 * The SCRIPTS processor as a channel: a software ring of moves in front of a processor that runs
 * one chain at a time.
 *
 * <pre>
 *   harvested       head              chainEnd       published       tail
 *       | done, not   | in the running   | submitted,   | enqueued,    |
 *       | reported    | chain (busy)     | next chain   | not submitted|
 *   ----+-------------+------------------+--------------+--------------+----> tickets
 * </pre>
 *
 * enqueue checks the move ({@link MoveCheck}) and keeps its bus addresses and count, or the
 * refusal. A doorbell (submit, when the processor is idle) writes every submitted, accepted move
 * of the ring as one Memory Move each into the SCRIPTS program memory, closes the chain with an
 * INT whose vector is the ticket after the chain (low 32 bits), and starts it by writing DSP.
 * poll reads ISTAT: DIP with DSTAT.SIR and DSPS equal to that vector completes the whole chain;
 * an error cause in DSTAT, or a SCSI interrupt (SIP), completes the chain's moves DEVICE_ERROR
 * with the cause as device code (which moves of it ran is not known); DIP with any other vector,
 * or without a cause, is not trusted: nothing completes, the channel halts and the watchdog resets
 * the engine. Refused moves complete INVALID in ticket order and never reach the chip. One owner
 * thread; nothing allocated after construction.
 */
final class LsiChannel implements DmaChannel {
    private static final ValueLayout.OfInt DWORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    // ---- hot: owner thread ----
    private final MmioRegisters registers;
    private final MoveCheck check;
    /** The SCRIPTS program memory (CPU view) and its bus address (what DSP gets). */
    private final MemorySegment script;
    private final int scriptBus;
    private final int maxMovesPerChain;
    private final long[] source;
    private final long[] destination;
    private final int[] count;
    private final int[] status;
    private final int[] deviceCode;
    private final int capacity;
    private final long mask;
    private long tail;
    private long published;
    private long head;
    private long chainEnd;
    private long harvested;
    private boolean busy;
    private int expectedVector;
    private boolean halted;
    /** Off the hot path: what halted the channel, for the watchdog. */
    private volatile String fault;
    /** Chains started (diagnostics, tests). */
    private long chains;

    /** INTx mode: re-arms the line VFIO masked when it delivered the interrupt; null when polling. */
    private final Runnable unmaskInterrupt;

    // ---- below here: not on the I/O path ----
    private final int index;
    private final CompletionInterrupt interrupt;

    /**
     * @param script    the SCRIPTS program memory: at least {@link Scripts#chainBytes}(min(ringSize,
     *                  max moves)) bytes, reached by the chip at {@code scriptBus}
     * @param scriptBus its bus address, below 2^32, 4-byte aligned
     */
    LsiChannel(int index, MmioRegisters registers, MoveCheck check, MemorySegment script, long scriptBus, int ringSize) {
        this(index, registers, check, script, scriptBus, ringSize, null, null);
    }

    /**
     * @param interrupt       the INTx interrupt when the chip raises one at the chain's INT (DIEN.SIR), or null
     * @param unmaskInterrupt with it: run after the DSTAT read that lowered the line; must not allocate
     */
    LsiChannel(int index, MmioRegisters registers, MoveCheck check, MemorySegment script, long scriptBus, int ringSize,
               CompletionInterrupt interrupt, Runnable unmaskInterrupt) {
        if ((interrupt == null) != (unmaskInterrupt == null)) {
            throw new IllegalArgumentException("an INTx interrupt needs its unmask, and polling has neither");
        }
        if (ringSize < 2 || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("LSI ring size " + ringSize + " must be a power of two of at least 2");
        }
        if (scriptBus < 0 || scriptBus > MoveCheck.DMA_LIMIT || scriptBus % 4 != 0) {
            throw new IllegalArgumentException("SCRIPTS memory at bus 0x" + Long.toHexString(scriptBus)
                + " must be 4-byte aligned and below 2^32");
        }
        this.maxMovesPerChain = Math.min(ringSize, Scripts.MAX_MOVES_PER_CHAIN);
        if (script.byteSize() < Scripts.chainBytes(maxMovesPerChain)) {
            throw new IllegalArgumentException("SCRIPTS memory of " + script.byteSize() + " bytes cannot hold a chain of "
                + maxMovesPerChain + " moves (" + Scripts.chainBytes(maxMovesPerChain) + " bytes)");
        }
        this.index = index;
        this.interrupt = interrupt;
        this.unmaskInterrupt = unmaskInterrupt;
        this.registers = registers;
        this.check = check;
        this.script = script;
        this.scriptBus = (int) scriptBus;
        this.capacity = ringSize;
        this.mask = ringSize - 1;
        this.source = new long[ringSize];
        this.destination = new long[ringSize];
        this.count = new int[ringSize];
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
        int refusal = check.check(srcSpace, srcAddress, dstSpace, dstAddress, lengthBytes);
        if (refusal != MoveCheck.OK) {
            refuse(slot, refusal);
        } else {
            source[slot] = check.busAddress(srcSpace, srcAddress);
            destination[slot] = check.busAddress(dstSpace, dstAddress);
            count[slot] = lengthBytes;
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
        refuse((int) (ticket & mask), MoveCheck.UNSUPPORTED_OP);
        tail = ticket + 1;
        if ((flags & FLAG_SUBMIT) != 0) {
            submit();
        }
        return ticket;
    }

    private void refuse(int slot, int refusal) {
        count[slot] = 0;
        status[slot] = OpStatus.INVALID;
        deviceCode[slot] = refusal;
    }

    @Override
    public void submit() {
        published = tail;
        if (!busy && !halted) {
            startChain();
        }
    }

    @Override
    public int poll(CompletionBatch out) {
        out.clear();
        if (busy && !halted) {
            // Acquire: the chip wrote every destination before it raised the interrupt, so the
            // client's reads of that memory, which follow this completion, see the data.
            int istat = registers.read8Acquire(ISTAT);
            if ((istat & (ISTAT_DIP | ISTAT_SIP)) != 0) {
                finishChain(istat);
                if (unmaskInterrupt != null) {
                    // After the DSTAT/SIST reads, which lowered the line: unmasking a line that is
                    // still high would only interrupt again at once.
                    unmaskInterrupt.run();
                }
                if (!halted) {
                    startChain();
                }
            }
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

    /** The running chain stopped (ISTAT.DIP or SIP): judge how, complete its moves. */
    private void finishChain(int istat) {
        int outcome;
        int code;
        if ((istat & ISTAT_SIP) != 0) {
            // Reading SIST0/SIST1 clears them; no SCSI interrupt is enabled, so any is a fault
            // (QEMU raises UDC when a chain runs past its instruction limit).
            code = 0x100 | registers.read8(SIST0) | registers.read8(SIST1) << 8;
            if ((istat & ISTAT_DIP) != 0) {
                registers.read8(DSTAT);
            }
            outcome = OpStatus.DEVICE_ERROR;
        } else {
            int dstat = registers.read8(DSTAT); // the read clears DSTAT and ISTAT.DIP
            if ((dstat & DSTAT_ERRORS) != 0) {
                outcome = OpStatus.DEVICE_ERROR;
                code = dstat;
            } else if ((dstat & DSTAT_SIR) != 0) {
                int vector = registers.read32(DSPS);
                if (vector != expectedVector) {
                    halt("DSPS 0x" + Integer.toHexString(vector) + " after INT, expected the chain's vector 0x"
                        + Integer.toHexString(expectedVector) + " (DSTAT 0x" + Integer.toHexString(dstat) + ")");
                    return;
                }
                outcome = OpStatus.SUCCESS;
                code = 0;
            } else {
                halt("ISTAT 0x" + Integer.toHexString(istat) + " with DSTAT 0x" + Integer.toHexString(dstat)
                    + ": a DMA interrupt without a cause");
                return;
            }
        }
        for (long t = head; t < chainEnd; t++) {
            int slot = (int) (t & mask);
            if (count[slot] != 0) {
                status[slot] = outcome;
                deviceCode[slot] = code;
            }
        }
        head = chainEnd;
        busy = false;
    }

    private void halt(String why) {
        halted = true;
        fault = why;
    }

    /**
     * Writes the next chain: every submitted move from head on (refused ones are skipped; their
     * status is already final), at most {@link #maxMovesPerChain}, then the INT; and starts it.
     */
    private void startChain() {
        long t = head;
        long offset = 0;
        int moves = 0;
        while (t < published && moves < maxMovesPerChain) {
            int slot = (int) (t & mask);
            int n = count[slot];
            if (n != 0) {
                // Plain stores: the release store to DSP below orders them before the chip's fetch.
                script.set(DWORD, offset, Scripts.MEMORY_MOVE | n);
                script.set(DWORD, offset + 4, (int) source[slot]);
                script.set(DWORD, offset + 8, (int) destination[slot]);
                offset += Scripts.MEMORY_MOVE_BYTES;
                moves++;
            }
            t++;
        }
        if (moves == 0) {
            head = t; // only refused moves: done without the chip
            chainEnd = t;
            return;
        }
        expectedVector = (int) t;
        script.set(DWORD, offset, Scripts.INT);
        script.set(DWORD, offset + 4, expectedVector);
        chainEnd = t;
        busy = true;
        chains++;
        // Release: the chain above, and the client's stores into the sources (handed to this
        // thread before enqueue), are ordered before the write that starts SCRIPTS at DSP.
        registers.write32Release(DSP, scriptBus);
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
     * Engine reset, owner paused, chip reset (nothing running): drops every op not yet reported.
     * Ticket numbering continues; a halt clears.
     */
    void dropOutstanding() {
        long t = tail;
        published = t;
        head = t;
        chainEnd = t;
        harvested = t;
        busy = false;
        halted = false;
        fault = null;
    }

    /** Why the channel halted, or null (control path: the watchdog). */
    String fault() {
        return fault;
    }

    /** Chains started since open (control path: tests, diagnostics). */
    long chains() {
        return chains;
    }

    /** Ops enqueued and not yet reported by poll (control path). */
    long outstanding() {
        return tail - harvested;
    }

    MoveCheck check() {
        return check;
    }
}
