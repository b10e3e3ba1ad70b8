package io.dmactl.provider.dsa.model;

import io.dmactl.provider.dsa.DsaMmio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A DSA function as vfio-pci shows it, modelled from the DSA architecture specification (Intel
 * 341204, chapter "Registers"): BAR0 with the capability registers, GENSTS, CMD/CMDSTS, SWERR and
 * the GRPCFG/WQCFG tables, and BAR2's portals, four 4 KiB pages per work queue. Commands run when
 * CMD is written (CMDSTS.ACTIVE is never seen set); ENABLE_WQ starts a {@link DsaDeviceModel} for
 * the queue (dedicated, with the WQCFG size and limits), whose engine executes what is stored into
 * the queue's portal. Its own offsets, written from the specification, not taken from the provider.
 *
 * <p>Addresses in descriptors are used as they come: the fixture gives the engine an identity
 * IOVA space (no emulated IOMMU), so an IOVA is the buffer's virtual address.
 */
public final class DsaRegisterModel implements DsaMmio {
    static final int NUM_WQS = 8;
    static final int NUM_ENGINES = 4;
    static final int NUM_GROUPS = 4;
    static final int TOTAL_WQ_SIZE = 128;
    static final int GRPCFG_AT = 0x400;
    static final int WQCFG_AT = 0x800;
    static final int MAX_XFER_SHIFT = 21;
    static final int MAX_BATCH_SHIFT = 5;
    /** CMDSTS.ERR codes the model uses. */
    public static final int ERR_DEVICE_ENABLED = 0x01;
    public static final int ERR_CONFIG = 0x02;
    public static final int ERR_DEVICE_NOT_ENABLED = 0x03;
    public static final int ERR_WQ_NOT_DISABLED = 0x04;
    /** SWERR error code for a portal write to a queue that is not enabled. */
    public static final int SWERR_WQ_NOT_ENABLED = 0x31;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String name;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment bar0;
    private final DsaDeviceModel[] queues = new DsaDeviceModel[NUM_WQS];
    private final List<String> commands = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private boolean busMaster;
    private volatile ModelVector[] vectors;
    private final java.util.concurrent.atomic.AtomicInteger badHandles = new java.util.concurrent.atomic.AtomicInteger();
    private final int msixVectors;
    private int failNextCommandWith;

    public DsaRegisterModel(String name) {
        this(name, 9);
    }

    /** @param msixVectors MSI-X vectors the function offers (0: none) */
    public DsaRegisterModel(String name, int msixVectors) {
        this.name = name;
        this.msixVectors = msixVectors;
        this.bar0 = arena.allocate(0x1000, 64);
        bar0.set(INT, 0x00, 0x10); // VERSION 1.0
        long gencap = (1L << 31) | ((long) MAX_XFER_SHIFT << 16) | ((long) MAX_BATCH_SHIFT << 21) | 1L << 1;
        bar0.set(LONG, 0x10, gencap);
        bar0.set(LONG, 0x20, TOTAL_WQ_SIZE | ((long) NUM_WQS << 16) | (1L << 49) | (1L << 48));
        bar0.set(LONG, 0x30, NUM_GROUPS);
        bar0.set(LONG, 0x38, NUM_ENGINES);
        long opcap = 0;
        for (int op : new int[] {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x09, 0x10}) {
            opcap |= 1L << op;
        }
        bar0.set(LONG, 0x40, opcap);
        bar0.set(LONG, 0x60, (GRPCFG_AT / 0x100) | ((long) (WQCFG_AT / 0x100) << 16));
    }

    /** The next command fails with this CMDSTS.ERR (0: none). */
    public synchronized void failNextCommand(int err) {
        failNextCommandWith = err;
    }

    /** The device halts with a software error: GENSTS halted, SWERR valid with {@code error}, queues stop. */
    public synchronized void halt(int error) {
        bar0.set(INT, 0x90, 3);
        bar0.set(LONG, 0xc0, 1L | ((long) error << 8));
        for (DsaDeviceModel q : queues) {
            if (q != null) {
                q.halt("0x" + Integer.toHexString(error));
            }
        }
    }

    public synchronized List<String> commands() {
        return List.copyOf(commands);
    }

    public synchronized List<String> violations() {
        List<String> all = new ArrayList<>(violations);
        if (badHandles.get() > 0) {
            all.add(badHandles.get() + " completion interrupt(s) named no enabled MSI-X vector");
        }
        for (DsaDeviceModel q : queues) {
            if (q != null) {
                all.addAll(q.violations());
            }
        }
        return all;
    }

    public synchronized DsaDeviceModel queue(int wq) {
        return queues[wq];
    }

    public synchronized int deviceState() {
        return bar0.get(INT, 0x90) & 3;
    }

    public synchronized long groupEngines(int group) {
        return bar0.get(LONG, GRPCFG_AT + 64L * group + 32);
    }

    public synchronized long groupQueues(int group) {
        return bar0.get(LONG, GRPCFG_AT + 64L * group);
    }

    public synchronized int queueSize(int wq) {
        return bar0.get(INT, WQCFG_AT + 32L * wq) & 0xffff;
    }

    public synchronized boolean busMaster() {
        return busMaster;
    }

    public synchronized void shutdown() {
        for (int i = 0; i < NUM_WQS; i++) {
            stopQueue(i);
        }
        arena.close();
    }

    @Override
    public String subject() {
        return "dsa-model " + name;
    }

    @Override
    public synchronized int read32(long offset) {
        return bar0.get(INT, offset);
    }

    @Override
    public synchronized long read64(long offset) {
        return bar0.get(LONG, offset);
    }

    @Override
    public synchronized void write32(long offset, int value) {
        if (offset < 0x80 && offset != 0x60) {
            violations.add("write to the read-only capability register at 0x" + Long.toHexString(offset));
            return;
        }
        bar0.set(INT, offset, value);
        if (offset == 0xa0) {
            command(value);
        }
    }

    @Override
    public synchronized void write64(long offset, long value) {
        if (offset < 0x80) {
            violations.add("write to the read-only capability register at 0x" + Long.toHexString(offset));
            return;
        }
        bar0.set(LONG, offset, value);
    }

    @Override
    public void portalStore(long portalOffset, MemorySegment descriptor, long offsetBytes) {
        DsaDeviceModel q;
        synchronized (this) {
            int wq = (int) (portalOffset / (4 * 4096));
            if (portalOffset % (4 * 4096) != 0 || wq >= NUM_WQS) {
                violations.add("portal store at BAR2 + 0x" + Long.toHexString(portalOffset) + ": not a queue's unlimited portal");
                return;
            }
            if (!busMaster) {
                violations.add("portal store with bus mastering off");
            }
            q = queues[wq];
            if (q == null) {
                bar0.set(LONG, 0xc0, 1L | ((long) SWERR_WQ_NOT_ENABLED << 8) | ((long) wq << 16));
                return; // dropped, as the device drops a descriptor for a queue that is not enabled
            }
        }
        q.write(descriptor, offsetBytes, 64); // posted: the answer is not seen by the CPU
    }

    @Override
    public int msixVectors() {
        return msixVectors;
    }

    @Override
    public synchronized io.dmactl.core.spi.CompletionInterrupt[] enableMsix(int count) {
        if (count > msixVectors) {
            throw new IllegalStateException(count + " vectors asked, " + msixVectors + " offered");
        }
        vectors = new ModelVector[count];
        for (int i = 0; i < count; i++) {
            vectors[i] = new ModelVector();
        }
        return vectors.clone();
    }

    @Override
    public synchronized void disableInterrupts() {
        vectors = null;
    }

    /** Times vector {@code n} was raised. */
    public long raised(int n) {
        ModelVector[] v = vectors;
        return v == null ? 0 : v[n].raised.get();
    }

    /** Called by a queue's engine thread (never under this model's lock: stopQueue waits for that thread). */
    private void raise(int handle) {
        ModelVector[] v = vectors;
        if (v == null || handle >= v.length) {
            badHandles.incrementAndGet();
            return;
        }
        v[handle].raise();
    }

    /** One modelled MSI-X vector: a sticky pending bit and an unpark of the waiting owner. */
    static final class ModelVector implements io.dmactl.core.spi.CompletionInterrupt {
        private final java.util.concurrent.atomic.AtomicBoolean pending = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicLong raised = new java.util.concurrent.atomic.AtomicLong();
        private volatile Thread waiter;

        @Override
        public boolean await(long timeoutNanos) {
            waiter = Thread.currentThread();
            try {
                long deadline = System.nanoTime() + timeoutNanos;
                while (!pending.getAndSet(false)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(this, left); // may return early: look again
                }
                return true;
            } finally {
                waiter = null;
            }
        }

        @Override
        public void wakeup() {
            signal();
        }

        void raise() {
            raised.incrementAndGet();
            signal();
        }

        private void signal() {
            if (!pending.getAndSet(true)) {
                Thread w = waiter;
                if (w != null) {
                    java.util.concurrent.locks.LockSupport.unpark(w);
                }
            }
        }
    }

    @Override
    public synchronized void enableBusMaster() {
        busMaster = true;
    }

    @Override
    public synchronized void disableBusMaster() {
        busMaster = false;
    }

    private void command(int value) {
        int cmd = (value >>> 20) & 0x1f;
        int operand = value & 0xfffff;
        commands.add(cmd + ":" + Integer.toHexString(operand));
        int err = failNextCommandWith;
        failNextCommandWith = 0;
        if (err == 0) {
            err = execute(cmd, operand);
        }
        bar0.set(INT, 0xa8, err); // ACTIVE clear: the command is done
    }

    private int execute(int cmd, int operand) {
        int state = bar0.get(INT, 0x90) & 3;
        switch (cmd) {
            case 1 -> { // enable device
                if (state != 0) {
                    return ERR_DEVICE_ENABLED;
                }
                if (bar0.get(LONG, GRPCFG_AT + 32) == 0 || bar0.get(LONG, GRPCFG_AT) == 0) {
                    return ERR_CONFIG; // group 0 needs an engine and a queue
                }
                int total = 0;
                for (int wq = 0; wq < NUM_WQS; wq++) {
                    total += bar0.get(INT, WQCFG_AT + 32L * wq) & 0xffff;
                }
                if (total > TOTAL_WQ_SIZE) {
                    return ERR_CONFIG;
                }
                bar0.set(INT, 0x90, 1);
            }
            case 2 -> { // disable device
                for (int wq = 0; wq < NUM_WQS; wq++) {
                    stopQueue(wq);
                }
                bar0.set(INT, 0x90, 0);
            }
            case 5 -> { // reset device: configuration back to its reset values
                for (int wq = 0; wq < NUM_WQS; wq++) {
                    stopQueue(wq);
                }
                bar0.asSlice(GRPCFG_AT, 64L * NUM_GROUPS).fill((byte) 0);
                bar0.asSlice(WQCFG_AT, 32L * NUM_WQS).fill((byte) 0);
                bar0.set(INT, 0x90, 0);
                bar0.asSlice(0xc0, 32).fill((byte) 0);
            }
            case 6 -> { // enable WQ (operand: the queue's index)
                if (state != 1) {
                    return ERR_DEVICE_NOT_ENABLED;
                }
                int wq = operand & 0xffff;
                long at = WQCFG_AT + 32L * wq;
                int size = bar0.get(INT, at) & 0xffff;
                int mode = bar0.get(INT, at + 8);
                int limits = bar0.get(INT, at + 12);
                if (wq >= NUM_WQS || size == 0 || (bar0.get(LONG, GRPCFG_AT) & (1L << wq)) == 0 || queues[wq] != null) {
                    return ERR_CONFIG;
                }
                queues[wq] = new DsaDeviceModel(name + "-wq" + wq, new DsaDeviceModel.Config(size, (mode & 1) != 0,
                    1L << (limits & 0x1f), 1 << ((limits >>> 5) & 0xf)));
                queues[wq].interrupts(this::raise);
                bar0.set(INT, at + 24, 1 << 30);
            }
            case 7, 10 -> { // disable WQ (finishes what it holds), reset WQ (must be disabled)
                int base = ((operand >>> 16) & 0xf) * 16;
                for (int bit = 0; bit < 16; bit++) {
                    if ((operand & (1 << bit)) == 0) {
                        continue;
                    }
                    int wq = base + bit;
                    if (cmd == 10) {
                        if (queues[wq] != null) {
                            return ERR_WQ_NOT_DISABLED;
                        }
                    } else {
                        stopQueue(wq);
                    }
                }
            }
            default -> {
                return ERR_CONFIG;
            }
        }
        return 0;
    }

    private void stopQueue(int wq) {
        DsaDeviceModel q = queues[wq];
        if (q != null) {
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (!q.idle() && System.nanoTime() < deadline && q.softwareError() == null) {
                Thread.onSpinWait();
            }
            violations.addAll(q.violations());
            q.shutdown();
            queues[wq] = null;
            bar0.set(INT, WQCFG_AT + 32L * wq + 24, 0);
        }
    }
}
