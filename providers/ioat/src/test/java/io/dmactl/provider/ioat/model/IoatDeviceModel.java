package io.dmactl.provider.ioat.model;

import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.provider.ioat.IoatFunction;
import io.dmactl.provider.ioat.IoatMmio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-process model of one Intel QuickData (CBDMA) PCI function, written from the register map
 * of the Xeon E5/E7 v2 datasheet (Volume Two, QuickData registers) and the channel behaviour the
 * open drivers (Linux ioatdma, DPDK ioat) rely on; where neither source pins a behaviour down (the
 * CHANSTS address right after a reset, how far ahead the engine reads without FENCE) the model
 * takes the strictest reading, and says so below. It is deliberately separate from the
 * driver: it has its own register constants and never calls driver code, so an offset, width or
 * protocol step the driver gets wrong shows up as a failed test or a recorded {@link #violations()
 * violation}, not as two copies of the same mistake agreeing.
 *
 * <h2>What is modelled</h2>
 * <ul>
 * <li>BAR0: CHANCNT, XFERCAP, INTRCTRL, CBVER, DMACAPABILITY; per channel at 0x80 * (n + 1)
 *     CHANCTRL, DMA_COMP, CHANCMD, DMACOUNT, CHANSTS, CHAINADDR, CHANCMP, CHANERR (write 1 to
 *     clear), CHANERRMSK. Every access is checked for a known offset and its register's width.</li>
 * <li>A device thread walks each channel's descriptor chain from CHAINADDR through NEXT, as many
 *     descriptors as DMACOUNT (16-bit, counted since CHAINADDR/reset) says were appended; copy
 *     (opcode 0) and, when DMACAPABILITY has FILL_BLOCK, fill (opcode 1); NULL descriptors move
 *     nothing but, like every descriptor, need a non-zero SIZE. All bus addresses go through the
 *     engine's IOMMU domain with its access rights.</li>
 * <li>After each descriptor with COMPL_WRITE, CHANSTS (descriptor address | ACTIVE/DONE) is
 *     written to the CHANCMP address; INT_EN raises the channel's MSI-X vector when INTRCTRL has
 *     MASTER_INT_EN and CHANCTRL has INT_REARM, which the interrupt consumes.</li>
 * <li>Pipelining: without FENCE on descriptor n, the source of descriptor n + 1 is read before
 *     n's destination is written (a read-after-write hazard a driver must fence).</li>
 * <li>Errors: a bad opcode (CONTROL_ERR), length 0 or beyond XFERCAP (LENGTH_ERR), a source or
 *     destination the IOMMU refuses (SRC_ADDR_ERR / DEST_ADDR_ERR), a misaligned or unmapped chain
 *     or NEXT (CHAIN_ADDR_VALUE_ERR / NEXT_DESC_ALIGN_ERR / NEXT_ADDR_ERR), an unwritable
 *     completion address (COMPLETION_ADDR_ERR), and injected faults set CHANERR and halt the
 *     channel: CHANSTS = last completed descriptor | HALTED, written to the completion area with
 *     CHANCTRL.ERR_COMPLETION_EN, an interrupt with ERR_INT_EN. The halted channel ignores
 *     DMACOUNT until CHANCMD.RESET; CHANERR must be cleared by software (reset leaves it).</li>
 * <li>CHANCMD.RESET reads back set until the device thread has reset the channel (CHANSTS HALTED,
 *     counts 0, chain invalid until CHAINADDR is written again).</li>
 * </ul>
 * Not modelled: DCA, xor/pq/crc opcodes, suspend/abort/resume, interrupt coalescing, INTx/MSI.
 */
public final class IoatDeviceModel implements IoatFunction, IoatMmio {
    // ---- the model's own register map (see the class comment) ----
    static final int CHANCNT = 0x00;
    static final int XFERCAP = 0x01;
    static final int GENCTRL = 0x02;
    static final int INTRCTRL = 0x03;
    static final int ATTNSTATUS = 0x04;
    static final int CBVER = 0x08;
    static final int DMACAPABILITY = 0x10;
    static final int CH_CHANCTRL = 0x00;
    static final int CH_DMA_COMP = 0x02;
    static final int CH_CHANCMD = 0x04;
    static final int CH_DMACOUNT = 0x06;
    static final int CH_CHANSTS = 0x08;
    static final int CH_CHAINADDR = 0x10;
    static final int CH_CHANCMP = 0x18;
    static final int CH_CDAR = 0x20;
    static final int CH_CHANERR = 0x28;
    static final int CH_CHANERRMSK = 0x2c;

    public static final int CHANERR_SRC_ADDR = 0x1;
    public static final int CHANERR_DEST_ADDR = 0x2;
    public static final int CHANERR_NEXT_ADDR = 0x4;
    public static final int CHANERR_NEXT_DESC_ALIGN = 0x8;
    public static final int CHANERR_CHAIN_ADDR_VALUE = 0x10;
    public static final int CHANERR_READ_DATA = 0x100;
    public static final int CHANERR_WRITE_DATA = 0x200;
    public static final int CHANERR_CONTROL = 0x400;
    public static final int CHANERR_LENGTH = 0x800;
    public static final int CHANERR_COMPLETION_ADDR = 0x1000;

    static final int STATE_ACTIVE = 0;
    static final int STATE_DONE = 1;
    static final int STATE_HALTED = 3;
    static final int RESET = 0x20;
    static final int CTRL_INT_REARM = 0x1;
    static final int CTRL_ERR_COMPLETION_EN = 0x4;
    static final int CTRL_ERR_INT_EN = 0x10;
    static final int INTR_MASTER = 0x1;
    public static final int CAP_FILL_BLOCK = 0x40;

    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** All of the address space, for copies between CPU addresses the IOMMU handed out. */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** What the modelled function reports. */
    public record Config(int channels, int cbver, int xfercapLog, int dmaCapability, int msixVectors) {
        /** A Broadwell-EP-like function: 4 channels, CBVER 3.2, 1 MiB XFERCAP, fill, 4 vectors. */
        public static Config defaults() {
            return new Config(4, 0x32, 20, CAP_FILL_BLOCK, 4);
        }

        public Config withChannels(int n) {
            return new Config(n, cbver, xfercapLog, dmaCapability, Math.max(msixVectors, n));
        }

        public Config withCbver(int v) {
            return new Config(channels, v, xfercapLog, dmaCapability, msixVectors);
        }

        public Config withXfercapLog(int v) {
            return new Config(channels, cbver, v, dmaCapability, msixVectors);
        }

        public Config withDmaCapability(int v) {
            return new Config(channels, cbver, xfercapLog, v, msixVectors);
        }

        public Config withMsixVectors(int v) {
            return new Config(channels, cbver, xfercapLog, dmaCapability, v);
        }
    }

    private final Config config;
    private final String name;
    private final ModelDma dma;
    private final Channel[] channels;
    private final List<String> violations = new ArrayList<>();
    private final Thread thread;
    private final Arena arena = Arena.ofShared();
    private volatile boolean running = true;
    private volatile boolean sleeping;
    private volatile int intrctrl;
    private volatile boolean busMaster;
    private volatile ModelInterrupt[] vectors;
    /** Whether a doorbell unparks a sleeping device thread (else it notices within its idle pause). */
    private volatile boolean wakeOnDoorbell = true;

    public IoatDeviceModel(String name, Config config, FakeIommuDomain domain) {
        this.name = name;
        this.config = config;
        this.dma = new ModelDma(domain);
        long staging = 1L << Math.min(config.xfercapLog() == 0 ? 20 : config.xfercapLog(), 24);
        this.channels = new Channel[config.channels()];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = new Channel(i, arena.allocate(staging, 64), arena.allocate(staging, 64), arena.allocate(64, 64));
        }
        this.thread = Thread.ofPlatform().daemon().name("ioat-model-" + name).unstarted(this::run);
        thread.start();
    }

    public Config config() {
        return config;
    }

    /** Stops the device thread (after the engine was closed) and frees the model's own memory. */
    public void shutdown() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            arena.close();
        }
    }

    // ================================================================ IoatFunction

    @Override
    public String address() {
        return name;
    }

    @Override
    public IoatMmio registers() {
        return this;
    }

    @Override
    public String subject() {
        return "ioat model " + name + " BAR0";
    }

    @Override
    public int msixVectors() {
        return config.msixVectors();
    }

    @Override
    public synchronized CompletionInterrupt[] enableMsix(int count) {
        if (count > config.msixVectors()) {
            throw new IllegalStateException(name + " offers " + config.msixVectors() + " MSI-X vectors, asked for " + count);
        }
        ModelInterrupt[] v = new ModelInterrupt[count];
        for (int i = 0; i < count; i++) {
            v[i] = new ModelInterrupt();
        }
        vectors = v;
        return v.clone();
    }

    @Override
    public synchronized void disableInterrupts() {
        vectors = null;
    }

    @Override
    public void enableBusMaster() {
        busMaster = true;
    }

    @Override
    public void disableBusMaster() {
        busMaster = false;
    }

    public boolean busMaster() {
        return busMaster;
    }

    public int intrctrl() {
        return intrctrl;
    }

    // ================================================================ test controls

    /** Protocol errors the driver made (bad offsets or widths, writes the device forbids). */
    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** DMACOUNT writes to channel {@code n} (the doorbells). */
    public long doorbells(int n) {
        return channels[n].doorbells;
    }

    /** Resets channel {@code n} performed. */
    public long resets(int n) {
        return channels[n].resets;
    }

    /** Descriptors channel {@code n} ran (null ones included). */
    public long descriptorsRun(int n) {
        return channels[n].run;
    }

    /** Interrupts raised on channel {@code n}'s vector since MSI-X was enabled. */
    public long interruptsRaised(int n) {
        ModelInterrupt[] v = vectors;
        return v == null || n >= v.length ? 0 : v[n].raisedCount();
    }

    /** CHANERR of channel {@code n}. */
    public int chanerr(int n) {
        return channels[n].chanerr;
    }

    /** The {@code nth} descriptor channel {@code n} fetches from now on (0 = the next) fails with {@code chanerrBits}. */
    public void failDescriptor(int n, int nth, int chanerrBits) {
        Channel c = channels[n];
        synchronized (c) {
            c.failChanerr = chanerrBits;
            c.failCountdown = nth;
        }
    }

    /** Channel {@code n} never completes a reset again (CHANCMD.RESET stays set). */
    public void breakResets(int n) {
        channels[n].resetsBroken = true;
    }

    /** Channel {@code n} completes resets again. */
    public void repairResets(int n) {
        channels[n].resetsBroken = false;
        LockSupport.unpark(thread);
    }

    /**
     * Whether a DMACOUNT write unparks the sleeping device thread (default true). Off, the doorbell
     * is only a store, as a posted MMIO write is for the CPU that issues it, and the device thread
     * notices it within its idle pause ({@value #IDLE_PAUSE_NANOS} ns): for measuring the submit side.
     */
    public void wakeOnDoorbell(boolean wake) {
        wakeOnDoorbell = wake;
    }

    /** Channel {@code n} raises its completion interrupts this long after the completion write. */
    public void delayInterrupts(int n, long nanos) {
        channels[n].interruptDelayNanos = nanos;
    }

    /** Channel {@code n} stops (true) or resumes (false) fetching descriptors, as if hung. */
    public void stall(int n, boolean stalled) {
        channels[n].stalled = stalled;
        LockSupport.unpark(thread);
    }

    /** Writes {@code word} to channel {@code n}'s completion area, as a misbehaving device would. */
    public void forgeCompletion(int n, long word) {
        Channel c = channels[n];
        long address = dma.translate(c.chancmp, 8, true);
        if (address < 0) {
            throw new IllegalStateException("channel " + n + " has no writable completion area");
        }
        ALL.set(U64, address, word);
    }

    // ================================================================ MMIO

    @Override
    public int read8(long offset) {
        int off = checkedOffset(offset, 1);
        if (off < 0x80) {
            return switch (off) {
                case CHANCNT -> config.channels();
                case XFERCAP -> config.xfercapLog();
                case GENCTRL -> 0;
                case INTRCTRL -> intrctrl;
                case CBVER -> config.cbver();
                default -> badAccess("read8", offset);
            };
        }
        Channel c = channel(off);
        return switch (off & 0x7f) {
            case CH_CHANCMD -> c.chancmd;
            default -> badAccess("read8", offset);
        };
    }

    @Override
    public void write8(long offset, int value) {
        int off = checkedOffset(offset, 1);
        if (off < 0x80) {
            switch (off) {
                case INTRCTRL -> intrctrl = value & 0xff;
                case GENCTRL -> { }
                default -> badAccess("write8", offset);
            }
            return;
        }
        Channel c = channel(off);
        if ((off & 0x7f) != CH_CHANCMD) {
            badAccess("write8", offset);
            return;
        }
        if ((value & RESET) != 0) {
            synchronized (c) {
                c.chancmd |= RESET;
                c.resetRequested = true;
            }
            wake();
        } else if (value != 0) {
            violation("CHANCMD 0x" + Integer.toHexString(value) + " on channel " + c.index + " (only RESET is modelled)");
        }
    }

    @Override
    public int read16(long offset) {
        int off = checkedOffset(offset, 2);
        Channel c = channel(off);
        return switch (off & 0x7f) {
            case CH_CHANCTRL -> c.chanctrl;
            case CH_DMA_COMP -> 0x0002;
            case CH_DMACOUNT -> c.dmacount;
            default -> badAccess("read16", offset);
        };
    }

    @Override
    public void write16(long offset, int value) {
        int off = checkedOffset(offset, 2);
        Channel c = channel(off);
        switch (off & 0x7f) {
            case CH_CHANCTRL -> c.chanctrl = value & 0xffff;
            case CH_DMACOUNT -> doorbell(c, value);
            default -> badAccess("write16", offset);
        }
    }

    @Override
    public void write16Release(long offset, int value) {
        write16(offset, value);
    }

    private void doorbell(Channel c, int value) {
        if (c.errorHalted) {
            violation("DMACOUNT written on channel " + c.index + " while it is halted by an error (CHANERR 0x"
                + Integer.toHexString(c.chanerr) + "): reset it first");
        }
        c.doorbells++;
        c.dmacount = value & 0xffff;
        if (wakeOnDoorbell) {
            wake();
        }
    }

    @Override
    public int read32(long offset) {
        int off = checkedOffset(offset, 4);
        if (off < 0x80) {
            return switch (off) {
                case ATTNSTATUS -> 0;
                case DMACAPABILITY -> config.dmaCapability();
                default -> badAccess("read32", offset);
            };
        }
        Channel c = channel(off);
        return switch (off & 0x7f) {
            case CH_CHANERR -> c.chanerr;
            case CH_CHANERRMSK -> c.chanerrmsk;
            default -> badAccess("read32", offset);
        };
    }

    @Override
    public void write32(long offset, int value) {
        int off = checkedOffset(offset, 4);
        Channel c = channel(off);
        switch (off & 0x7f) {
            case CH_CHANERR -> {
                synchronized (c) {
                    c.chanerr &= ~value; // write 1 to clear
                }
            }
            case CH_CHANERRMSK -> c.chanerrmsk = value;
            default -> badAccess("write32", offset);
        }
    }

    @Override
    public long read64(long offset) {
        int off = checkedOffset(offset, 8);
        Channel c = channel(off);
        return switch (off & 0x7f) {
            case CH_CHANSTS -> c.chansts;
            case CH_CHAINADDR -> c.chainaddr;
            case CH_CHANCMP -> c.chancmp;
            case CH_CDAR -> c.fetch;
            default -> badAccess("read64", offset);
        };
    }

    @Override
    public void write64(long offset, long value) {
        int off = checkedOffset(offset, 8);
        Channel c = channel(off);
        switch (off & 0x7f) {
            case CH_CHAINADDR -> {
                synchronized (c) {
                    if ((c.chansts & 7) != STATE_HALTED && c.processed != (c.dmacount & 0xffff)) {
                        violation("CHAINADDR written on channel " + c.index + " while it runs");
                    }
                    c.chainaddr = value;
                    c.fetch = value;
                    c.chainValid = true;
                    c.firstFetch = true;
                    c.processed = 0;
                    c.dmacount = 0;
                }
            }
            case CH_CHANCMP -> {
                if ((value & 7) != 0) {
                    violation("CHANCMP 0x" + Long.toHexString(value) + " on channel " + c.index + " is not 8-byte aligned");
                }
                c.chancmp = value;
            }
            default -> badAccess("write64", offset);
        }
    }

    private int checkedOffset(long offset, int width) {
        long end = 0x80L * (config.channels() + 1);
        if (offset < 0 || offset + width > end || offset % width != 0) {
            badAccess(width * 8 + "-bit access", offset);
            throw new IllegalArgumentException(subject() + ": " + width * 8 + "-bit access at 0x" + Long.toHexString(offset));
        }
        return (int) offset;
    }

    private Channel channel(int off) {
        return channels[(off >>> 7) - 1];
    }

    private int badAccess(String what, long offset) {
        String text = what + " at 0x" + Long.toHexString(offset) + " is no register of that width";
        violation(text);
        throw new IllegalArgumentException(subject() + ": " + text);
    }

    private synchronized void violation(String text) {
        violations.add(text);
    }

    private void wake() {
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    // ================================================================ the device thread

    /**
     * Empty rounds the device thread spins before it parks (a doorbell unparks it). Kept short: on
     * a 2-vCPU machine a spinning model takes the core the driver's thread needs.
     */
    private static final int IDLE_SPINS = 100;
    /** How long the idle device thread parks before it looks at its doorbells again. */
    static final long IDLE_PAUSE_NANOS = 50_000;

    private void run() {
        int idle = 0;
        while (running) {
            boolean worked = false;
            for (Channel c : channels) {
                worked |= step(c);
            }
            if (worked) {
                idle = 0;
            } else if (++idle < IDLE_SPINS) {
                Thread.onSpinWait();
            } else {
                sleeping = true;
                // Re-check after announcing sleep: a doorbell written meanwhile saw sleeping == false.
                boolean pending = false;
                for (Channel c : channels) {
                    pending |= c.resetRequested || (runnable(c) && c.processed != c.dmacount);
                }
                if (!pending && running) {
                    LockSupport.parkNanos(this, IDLE_PAUSE_NANOS);
                }
                sleeping = false;
            }
        }
    }

    private static boolean runnable(Channel c) {
        return c.chainValid && !c.errorHalted && !c.stalled && c.chanerr == 0;
    }

    /** One unit of work on channel {@code c}: a pending reset, or one descriptor. */
    private boolean step(Channel c) {
        if (c.resetRequested) {
            if (c.resetsBroken) {
                return false;
            }
            synchronized (c) {
                c.resetRequested = false;
                c.chansts = STATE_HALTED;
                c.chainValid = false;
                c.errorHalted = false;
                c.processed = 0;
                c.dmacount = 0;
                c.prefetchedFor = -1;
                c.lastCompleted = 0; // CHANSTS after reset: HALTED, no completed descriptor
                c.resets++;
                c.chancmd &= ~RESET;
            }
            return true;
        }
        if (!runnable(c) || c.processed == c.dmacount) {
            return false;
        }
        if (!busMaster) {
            return false; // a function without bus mastering cannot fetch
        }
        long at = c.fetch;
        boolean first = c.firstFetch;
        if ((at & 63) != 0) {
            halt(c, first ? CHANERR_CHAIN_ADDR_VALUE : CHANERR_NEXT_DESC_ALIGN);
            return true;
        }
        long desc = dma.translate(at, 64, false);
        if (desc < 0) {
            halt(c, first ? CHANERR_CHAIN_ADDR_VALUE : CHANERR_NEXT_ADDR);
            return true;
        }
        int size = ALL.get(U32, desc);
        int control = ALL.get(U32, desc + 4);
        long src = ALL.get(U64, desc + 8);
        long dst = ALL.get(U64, desc + 16);
        long next = ALL.get(U64, desc + 24);
        int failure = 0;
        synchronized (c) {
            if (c.failCountdown >= 0 && c.failCountdown-- == 0) {
                failure = c.failChanerr;
            }
        }
        if (failure != 0) {
            halt(c, failure);
            return true;
        }
        int op = control >>> 24;
        boolean isNull = (control & 0x20) != 0;
        boolean fence = (control & 0x10) != 0;
        if (isNull && size == 0) {
            halt(c, CHANERR_LENGTH); // a SIZE of 0 is an error even in a null descriptor
            return true;
        }
        if (!isNull) {
            int error = execute(c, at, op, size, src, dst, next, fence);
            if (error != 0) {
                halt(c, error);
                return true;
            }
        }
        c.run++;
        c.processed = (c.processed + 1) & 0xffff;
        c.firstFetch = false;
        c.fetch = next;
        long status = at | (c.processed == c.dmacount ? STATE_DONE : STATE_ACTIVE);
        c.chansts = status;
        c.lastCompleted = at;
        if ((control & 0x8) != 0 && !writeCompletion(c, status)) {
            halt(c, CHANERR_COMPLETION_ADDR);
            return true;
        }
        if ((control & 0x1) != 0 && c.interruptDelayNanos > 0) {
            LockSupport.parkNanos(c.interruptDelayNanos); // the message write trails the completion write
        }
        if ((control & 0x1) != 0 && (c.chanctrl & CTRL_INT_REARM) != 0) {
            c.chanctrl &= ~CTRL_INT_REARM;
            interrupt(c);
        }
        return true;
    }

    /** Moves the bytes of one copy or fill; returns CHANERR bits, 0 on success. */
    private int execute(Channel c, long at, int op, int size, long src, long dst, long next, boolean fence) {
        long max = config.xfercapLog() == 0 ? Long.MAX_VALUE : 1L << config.xfercapLog();
        if (op != 0 && !(op == 1 && (config.dmaCapability() & CAP_FILL_BLOCK) != 0)) {
            return CHANERR_CONTROL;
        }
        if (size == 0 || Integer.toUnsignedLong(size) > max || Integer.toUnsignedLong(size) > c.stagingA.byteSize()) {
            return CHANERR_LENGTH;
        }
        long to = dma.translate(dst, size, true);
        if (op == 1) {
            if (to < 0) {
                return CHANERR_DEST_ADDR;
            }
            for (int i = 0; i < size; i++) {
                ALL.set(ValueLayout.JAVA_BYTE, to + i, (byte) (src >>> (8 * (i & 7))));
            }
            return 0;
        }
        MemorySegment staged;
        if (c.prefetchedFor == at) {
            staged = c.stagingB;
            MemorySegment t = c.stagingA;
            c.stagingA = c.stagingB;
            c.stagingB = t;
            c.prefetchedFor = -1;
        } else {
            long from = dma.translate(src, size, false);
            if (from < 0) {
                return CHANERR_SRC_ADDR;
            }
            MemorySegment.copy(ALL, from, c.stagingA, 0, size);
            staged = c.stagingA;
        }
        if (to < 0) {
            return CHANERR_DEST_ADDR;
        }
        if (!fence && ((c.processed + 1) & 0xffff) != c.dmacount) {
            prefetch(c, next); // the next descriptor's source is read before this destination is written
        }
        MemorySegment.copy(staged, 0, ALL, to, size);
        return 0;
    }

    /** Reads the source of the copy at {@code at} into staging B, if it is a copy that can run. */
    private void prefetch(Channel c, long at) {
        if ((at & 63) != 0) {
            return;
        }
        long desc = dma.translate(at, 64, false);
        if (desc < 0) {
            return;
        }
        int size = ALL.get(U32, desc);
        int control = ALL.get(U32, desc + 4);
        if ((control >>> 24) != 0 || (control & 0x20) != 0 || size <= 0 || size > c.stagingB.byteSize()) {
            return;
        }
        long from = dma.translate(ALL.get(U64, desc + 8), size, false);
        if (from < 0) {
            return;
        }
        MemorySegment.copy(ALL, from, c.stagingB, 0, size);
        c.prefetchedFor = at;
    }

    private boolean writeCompletion(Channel c, long status) {
        long address = dma.translate(c.chancmp, 8, true);
        if (address < 0) {
            return false;
        }
        // The completion write is the device's release: the data it wrote before is visible first.
        java.lang.invoke.VarHandle.releaseFence();
        ALL.set(U64, address, status);
        return true;
    }

    private void halt(Channel c, int chanerr) {
        synchronized (c) {
            c.chanerr |= chanerr;
            c.errorHalted = true;
            c.prefetchedFor = -1;
            c.chansts = c.lastCompleted | STATE_HALTED;
        }
        if ((c.chanctrl & CTRL_ERR_COMPLETION_EN) != 0) {
            writeCompletion(c, c.chansts);
        }
        if ((c.chanctrl & CTRL_ERR_INT_EN) != 0) {
            interrupt(c);
        }
    }

    private void interrupt(Channel c) {
        ModelInterrupt[] v = vectors;
        if ((intrctrl & INTR_MASTER) != 0 && v != null && c.index < v.length) {
            v[c.index].raise();
        }
    }

    /** One channel's state; registers written by the driver are volatile, the rest is the device thread's. */
    private static final class Channel {
        final int index;
        MemorySegment stagingA;
        MemorySegment stagingB;
        volatile int chanctrl;
        volatile int chancmd;
        volatile int dmacount;
        volatile long chansts = STATE_HALTED;
        volatile long chainaddr;
        volatile long chancmp;
        volatile int chanerr;
        volatile int chanerrmsk;
        volatile boolean chainValid;
        volatile boolean errorHalted;
        volatile boolean resetRequested;
        volatile boolean resetsBroken;
        volatile boolean stalled;
        volatile long interruptDelayNanos;
        volatile long fetch;
        volatile int processed;
        volatile long doorbells;
        volatile long resets;
        volatile long run;
        boolean firstFetch;
        long lastCompleted;
        long prefetchedFor = -1;
        int failCountdown = -1;
        int failChanerr;

        Channel(int index, MemorySegment stagingA, MemorySegment stagingB, MemorySegment unused) {
            this.index = index;
            this.stagingA = stagingA;
            this.stagingB = stagingB;
        }
    }
}
