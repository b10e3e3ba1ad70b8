package io.dmactl.provider.dsa.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One Intel DSA work queue and the engine behind it, modelled in-process from the DSA
 * architecture specification (Intel document 341204): descriptor format (chapter 8, "Descriptor
 * formats"), completion record and status codes ("Completion Record", "Completion Status"),
 * the operations' semantics, batch processing, and the software error register (SWERR) for errors
 * that cannot be reported in a completion record. Written from the specification, not from the
 * provider: it has its own offsets and codes, and reads memory through this process's virtual
 * addresses as shared virtual addressing does.
 *
 * <p>The queue side stands in for the idxd character device: {@link #write} takes whole 64-byte
 * descriptors as {@code write(2)} on {@code /dev/dsa/wqD.Q} does. A shared queue takes
 * descriptors while it has room and answers -EAGAIN when it took none (ENQCMDS retry); a dedicated
 * queue takes everything, and a descriptor written to it while it is full is lost, as a posted
 * MOVDIR64B to a full dedicated queue is: the model records that as a violation.
 *
 * <p>One engine thread executes descriptors in queue order on real memory and writes each
 * completion record with the status byte last (a release store). Faults are injected by the
 * test: invalid opcode, page fault with partial completion, queue full, a halt with SWERR; a
 * misaligned completion record address is reported through SWERR as the specification requires.
 */
public final class DsaDeviceModel {
    // Descriptor (spec, "Descriptor formats"): bytes 0-3 PASID/priv, 4-7 flags(23:0) opcode(31:24).
    static final int D_FLAGS_OPCODE = 4;
    static final int D_COMPLETION = 8;
    static final int D_SOURCE = 16;
    static final int D_DESTINATION = 24;
    static final int D_SIZE = 32;
    static final int D_OP_SPECIFIC = 40;
    // Completion record: status, result, bytes completed, fault address, op-specific from 16.
    static final int R_STATUS = 0;
    static final int R_RESULT = 1;
    static final int R_BYTES = 4;
    static final int R_FAULT = 8;
    static final int R_CRC = 16;
    // Flags.
    static final int F_FENCE = 1;
    static final int F_CRAV = 1 << 2;
    static final int F_RCR = 1 << 3;
    static final int F_RCI = 1 << 4;
    static final int D_INT_HANDLE = 36;
    // Opcodes.
    static final int OP_NOOP = 0x00;
    static final int OP_BATCH = 0x01;
    static final int OP_DRAIN = 0x02;
    static final int OP_MEMMOVE = 0x03;
    static final int OP_FILL = 0x04;
    static final int OP_COMPARE = 0x05;
    static final int OP_COMPARE_PATTERN = 0x06;
    static final int OP_DUALCAST = 0x09;
    static final int OP_CRCGEN = 0x10;
    // Status codes.
    public static final int S_SUCCESS = 0x01;
    public static final int S_PAGE_FAULT = 0x03;
    public static final int S_BATCH_FAIL = 0x05;
    public static final int S_BAD_OPCODE = 0x10;
    public static final int S_XFER_ERANGE = 0x13;
    public static final int S_DESC_CNT_ERANGE = 0x14;
    public static final int S_DCAST_ERR = 0x17;
    public static final int S_DESCLIST_ALIGN = 0x18;
    public static final int S_CRA_ALIGN = 0x1b;
    /** Status bit 7 on a page fault: the faulting access was a write. */
    public static final int S_WRITE_FAULT = 0x80;
    static final int EAGAIN = 11;
    static final int ENXIO = 6;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle STATUS = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle COUNTER = ValueLayout.JAVA_LONG.varHandle();
    private static final int[] CRC32C_TABLE = crcTable();
    /** This process's address space: shared virtual addressing, absolute addresses as offsets. */
    private static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /**
     * @param sizeEntries     descriptors the queue holds
     * @param dedicated       dedicated (portal writes not acknowledged) or shared (ENQCMDS: refused when full)
     * @param maxTransferBytes the queue's max_transfer_size
     * @param maxBatchSize    descriptors a batch may hold
     */
    public record Config(int sizeEntries, boolean dedicated, long maxTransferBytes, int maxBatchSize) {
        public static Config defaults() {
            return new Config(64, true, 2L << 20, 32);
        }

        public Config withSize(int entries) {
            return new Config(entries, dedicated, maxTransferBytes, maxBatchSize);
        }

        public Config shared() {
            return new Config(sizeEntries, false, maxTransferBytes, maxBatchSize);
        }

        public Config withMaxTransferBytes(long bytes) {
            return new Config(sizeEntries, dedicated, bytes, maxBatchSize);
        }

        public Config withMaxBatchSize(int size) {
            return new Config(sizeEntries, dedicated, maxTransferBytes, size);
        }
    }

    private final String name;
    private final Config config;
    private final Arena arena = Arena.ofShared();
    /** The queue: a ring of descriptor copies; tail written by the submitter, head by the engine. */
    private final MemorySegment queue;
    private final MemorySegment counters;
    private final int queueMask;
    /** The descriptor the engine is running, copied out of the queue when it was fetched. */
    private final MemorySegment fetched;
    private final Thread engine;
    private final List<String> violations = new ArrayList<>();
    private volatile boolean running = true;
    /** The engine runs a descriptor it fetched (the queue no longer holds it). */
    private volatile boolean executing;
    private volatile boolean halted;
    private volatile String swerr;
    /** Descriptors executed (batch members included); the page-fault and opcode injections count them. */
    private long executed;
    private volatile long pageFaultAt = -1;
    private volatile int pageFaultAfterBytes;
    private volatile long badOpcodeAt = -1;
    private volatile int refuseWrites;
    private volatile boolean paused;
    private volatile boolean wakeOnWrite = true;
    /** Raises the MSI-X vector a completed descriptor's interrupt handle names (RCI); null: none wired. */
    private volatile java.util.function.IntConsumer interrupts;
    private volatile long descriptorsTaken;
    private volatile long batchesTaken;

    public DsaDeviceModel(String name, Config config) {
        this.name = name;
        this.config = config;
        int slots = Integer.highestOneBit(Math.max(config.sizeEntries(), 1) * 2 - 1) * 2;
        this.queue = arena.allocate((long) slots * 64, 64);
        this.queueMask = slots - 1;
        this.counters = arena.allocate(128, 64); // 0: tail (submitted), 64: head (fetched by the engine)
        this.fetched = arena.allocate(64, 64);
        this.engine = Thread.ofPlatform().daemon().name("dsa-model-" + name).start(this::run);
    }

    public Config config() {
        return config;
    }

    public String name() {
        return name;
    }

    // ---- the work-queue file side ----

    /**
     * What {@code write(2)} on the work queue does: takes whole descriptors while the queue has
     * room. Called by one submitter thread; allocates nothing.
     *
     * @return bytes taken, or -EAGAIN (shared queue full, or a refusal injected), or -ENXIO (halted)
     */
    public long write(MemorySegment descriptors, long byteCount) {
        return write(descriptors, 0, byteCount);
    }

    /** As {@link #write(MemorySegment, long)}, from {@code offsetBytes} of {@code descriptors}. */
    public long write(MemorySegment descriptors, long offsetBytes, long byteCount) {
        if (byteCount <= 0 || byteCount % 64 != 0) {
            violation("write of " + byteCount + " bytes: not whole descriptors");
            return -22;
        }
        if (halted) {
            return -ENXIO;
        }
        if (refuseWrites > 0) {
            refuseWrites--;
            return -EAGAIN;
        }
        long tail = (long) COUNTER.getAcquire(counters, 0L);
        long taken = 0;
        for (long at = offsetBytes; at < offsetBytes + byteCount; at += 64) {
            long head = (long) COUNTER.getAcquire(counters, 64L);
            if (tail - head >= config.sizeEntries()) {
                if (!config.dedicated()) {
                    break; // ENQCMDS: retry
                }
                violation("descriptor written to the full dedicated queue (" + config.sizeEntries() + " entries): lost");
                taken += 64;
                continue;
            }
            MemorySegment.copy(descriptors, at, queue, (tail & queueMask) * 64, 64);
            if ((descriptors.get(INT, at + D_FLAGS_OPCODE) >>> 24) == OP_BATCH) {
                batchesTaken++;
            }
            descriptorsTaken++;
            tail++;
            taken += 64;
        }
        // Release: the descriptor bytes are visible to the engine before the new tail.
        COUNTER.setRelease(counters, 0L, tail);
        if (wakeOnWrite) {
            LockSupport.unpark(engine);
        }
        return taken == 0 ? -EAGAIN : taken;
    }

    /** SWERR as sysfs would show it, or null. */
    public String softwareError() {
        return swerr;
    }

    // ---- fault injection ----

    /** The n-th descriptor executed from now on (0: the next) faults after {@code afterBytes} bytes. */
    public void injectPageFault(long n, int afterBytes) {
        pageFaultAfterBytes = afterBytes;
        pageFaultAt = executedSoFar() + n;
    }

    /** The n-th descriptor executed from now on is seen with an opcode the device does not know. */
    public void injectBadOpcode(long n) {
        badOpcodeAt = executedSoFar() + n;
    }

    /** The next {@code writes} writes are refused with EAGAIN, as a full shared queue refuses them. */
    public void refuseNextWrites(int writes) {
        refuseWrites = writes;
    }

    /** The device halts with a software error: nothing more completes, writes fail with ENXIO. */
    public void halt(String why) {
        swerr = "SWERR valid, error: " + why;
        halted = true;
    }

    /**
     * Whether a write unparks the engine thread (default). A benchmark of the submitting side turns
     * it off: the engine then notices new descriptors within its idle pause, as a device notices a
     * posted portal write without the CPU doing anything more.
     */
    public void interrupts(java.util.function.IntConsumer sink) {
        interrupts = sink;
    }

    public void wakeOnWrite(boolean wake) {
        wakeOnWrite = wake;
    }

    /** Holds the engine (descriptors queue up), to fill a queue. */
    public void pause(boolean pause) {
        paused = pause;
        LockSupport.unpark(engine);
    }

    /** Whether the engine finished every descriptor the queue took. */
    public boolean idle() {
        return (long) COUNTER.getAcquire(counters, 0L) == (long) COUNTER.getAcquire(counters, 64L) && !executing;
    }

    public long descriptorsTaken() {
        return descriptorsTaken;
    }

    public long batchesTaken() {
        return batchesTaken;
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    private synchronized long executedSoFar() {
        return executed;
    }

    public void shutdown() {
        running = false;
        LockSupport.unpark(engine);
        try {
            engine.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        arena.close();
    }

    // ---- the engine ----

    private void run() {
        int idle = 0;
        while (running) {
            long head = (long) COUNTER.getAcquire(counters, 64L);
            long tail = (long) COUNTER.getAcquire(counters, 0L);
            if (head == tail || paused || halted) {
                if (++idle < 200) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(50_000);
                }
                continue;
            }
            idle = 0;
            // The engine fetches the descriptor, which leaves the work queue then, before it runs
            // (a completion must never be visible while its descriptor still takes a queue entry).
            MemorySegment.copy(queue, (head & queueMask) * 64, fetched, 0, 64);
            executing = true;
            COUNTER.setRelease(counters, 64L, head + 1);
            try {
                execute(fetched.address(), false);
            } catch (RuntimeException e) {
                violation("descriptor " + head + " threw " + e);
            } finally {
                executing = false;
            }
        }
    }

    /** Executes one descriptor; returns its completion status (0 when it wrote nothing: SWERR). */
    private int execute(long d, boolean inBatch) {
        int word = MEMORY.get(INT, d + D_FLAGS_OPCODE);
        int opcode = word >>> 24;
        int flags = word & 0xffffff;
        long record = MEMORY.get(LONG, d + D_COMPLETION);
        long n;
        synchronized (this) {
            n = executed++;
        }
        if ((flags & F_CRAV) != 0 && record % 32 != 0) {
            // No record can be written: the error goes to SWERR and the descriptor is dropped.
            swerr = "SWERR valid, error 0x" + Integer.toHexString(S_CRA_ALIGN) + " (completion record address 0x"
                + Long.toHexString(record) + " not 32-byte aligned), opcode 0x" + Integer.toHexString(opcode);
            return 0;
        }
        if (n == badOpcodeAt) {
            opcode = 0x7f;
        }
        long src = MEMORY.get(LONG, d + D_SOURCE);
        long dst = MEMORY.get(LONG, d + D_DESTINATION);
        long size = MEMORY.get(INT, d + D_SIZE) & 0xffffffffL;
        long limit = n == pageFaultAt ? Math.min(size, pageFaultAfterBytes) : size;
        Outcome o = outcome(inBatch);
        switch (opcode) {
            case OP_NOOP, OP_DRAIN -> o.status = S_SUCCESS;
            case OP_BATCH -> {
                if (inBatch) {
                    o.status = S_BAD_OPCODE;
                } else {
                    batch(src, (int) size, o);
                }
            }
            case OP_MEMMOVE -> {
                if (sizeOk(size, o)) {
                    MemorySegment.copy(MEMORY, src, MEMORY, dst, limit);
                    faultIf(limit < size, dst + limit, true, limit, o);
                }
            }
            case OP_FILL -> {
                if (sizeOk(size, o)) {
                    for (long i = 0; i < limit; i++) {
                        MEMORY.set(ValueLayout.JAVA_BYTE, dst + i, (byte) (src >>> (8 * (i & 7))));
                    }
                    faultIf(limit < size, dst + limit, true, limit, o);
                }
            }
            case OP_COMPARE, OP_COMPARE_PATTERN -> {
                if (sizeOk(size, o)) {
                    long diff = -1;
                    for (long i = 0; i < limit && diff < 0; i++) {
                        byte other = opcode == OP_COMPARE ? MEMORY.get(ValueLayout.JAVA_BYTE, dst + i) : (byte) (dst >>> (8 * (i & 7)));
                        if (MEMORY.get(ValueLayout.JAVA_BYTE, src + i) != other) {
                            diff = i;
                        }
                    }
                    if (diff >= 0) {
                        o.status = S_SUCCESS;
                        o.result = 1;
                        o.bytes = diff; // the offset of the first difference
                    } else {
                        faultIf(limit < size, src + limit, false, limit, o);
                    }
                }
            }
            case OP_DUALCAST -> {
                long dst2 = MEMORY.get(LONG, d + D_OP_SPECIFIC);
                if (sizeOk(size, o)) {
                    if ((dst & 0xfff) != (dst2 & 0xfff)) {
                        o.status = S_DCAST_ERR; // bits 11:0 of both destinations must be equal
                    } else {
                        MemorySegment.copy(MEMORY, src, MEMORY, dst, limit);
                        MemorySegment.copy(MEMORY, src, MEMORY, dst2, limit);
                        faultIf(limit < size, dst + limit, true, limit, o);
                    }
                }
            }
            case OP_CRCGEN -> {
                int seed = MEMORY.get(INT, d + D_OP_SPECIFIC);
                if (sizeOk(size, o)) {
                    int crc = ~crc32cUpdate(~seed, src, limit);
                    o.crc = crc & 0xffffffffL; // also the partial CRC on a fault: the seed of the rest
                    faultIf(limit < size, src + limit, false, limit, o);
                }
            }
            default -> o.status = S_BAD_OPCODE;
        }
        if (o.status == 0) {
            o.status = S_SUCCESS;
        }
        if ((flags & F_CRAV) != 0 && ((flags & F_RCR) != 0 || o.status != S_SUCCESS)) {
            MEMORY.set(ValueLayout.JAVA_BYTE, record + R_RESULT, (byte) o.result);
            MEMORY.set(ValueLayout.JAVA_SHORT_UNALIGNED, record + 2, (short) 0);
            MEMORY.set(INT, record + R_BYTES, (int) o.bytes);
            MEMORY.set(LONG, record + R_FAULT, o.faultAddress);
            MEMORY.set(LONG, record + R_CRC, o.crc);
            MEMORY.set(LONG, record + 24, 0L);
            // Release: the record's other bytes are visible before its status.
            STATUS.setRelease(MEMORY, record + R_STATUS, (byte) o.status);
        }
        java.util.function.IntConsumer sink = interrupts;
        if ((flags & F_RCI) != 0 && sink != null) {
            sink.accept(MEMORY.get(ValueLayout.JAVA_SHORT_UNALIGNED, d + D_INT_HANDLE) & 0xffff); // after the record
        }
        return o.status;
    }

    private void batch(long list, int count, Outcome o) {
        if (list % 64 != 0) {
            o.status = S_DESCLIST_ALIGN;
            return;
        }
        if (count < 2 || count > config.maxBatchSize()) {
            o.status = S_DESC_CNT_ERANGE;
            return;
        }
        boolean allOk = true;
        for (int i = 0; i < count; i++) {
            // Fence: every earlier descriptor of the batch is complete before this one starts; one
            // engine executing in order satisfies it (the flag is legal only here).
            int status = execute(list + (long) i * 64, true);
            allOk &= status == S_SUCCESS;
        }
        o.status = allOk ? S_SUCCESS : S_BATCH_FAIL;
        o.bytes = count; // descriptors completed
    }

    private boolean sizeOk(long size, Outcome o) {
        if (size == 0 || size > config.maxTransferBytes()) {
            o.status = S_XFER_ERANGE;
            return false;
        }
        return true;
    }

    private static void faultIf(boolean fault, long address, boolean write, long done, Outcome o) {
        if (fault) {
            o.status = S_PAGE_FAULT | (write ? S_WRITE_FAULT : 0);
            o.bytes = done;
            o.faultAddress = address;
        }
    }

    /** Outcomes reused by the engine thread: one for a descriptor, one for a batch member. */
    private final Outcome plain = new Outcome();
    private final Outcome member = new Outcome();

    private Outcome outcome(boolean inBatch) {
        Outcome o = inBatch ? member : plain;
        o.status = 0;
        o.result = 0;
        o.bytes = 0;
        o.faultAddress = 0;
        o.crc = 0;
        return o;
    }

    /** CRC-32C (Castagnoli, reflected, polynomial 0x82F63B78), register in and out as given. */
    static int crc32cUpdate(int register, long address, long length) {
        int crc = register;
        for (long i = 0; i < length; i++) {
            crc = (crc >>> 8) ^ CRC32C_TABLE[(crc ^ MEMORY.get(ValueLayout.JAVA_BYTE, address + i)) & 0xff];
        }
        return crc;
    }

    private static int[] crcTable() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
            }
            table[i] = c;
        }
        return table;
    }

    private synchronized void violation(String text) {
        violations.add(name + ": " + text);
    }

    private static final class Outcome {
        int status;
        int result;
        long bytes;
        long faultAddress;
        long crc;
    }
}
