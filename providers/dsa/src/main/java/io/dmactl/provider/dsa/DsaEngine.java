package io.dmactl.provider.dsa;

import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.ExecutionKind;

import java.util.ArrayList;
import java.util.List;

/**
 * DSA work queues reached through the idxd character device: the control path. One channel per
 * queue; the queues were configured and enabled by the administrator, so opening only takes
 * memory for descriptors and completion records (from the runtime's pool, locked, reached by
 * the device through this process's address space) and checks the limits:
 * <ul>
 * <li>capacity = the ring size, capped at the queue size for a dedicated queue (whose portal
 *     writes are not acknowledged) and rounded down to a power of two;</li>
 * <li>longest op = the smallest max_transfer_size of the queues (the core splits longer copies,
 *     fills and dualcasts; a longer CRC or compare is refused by the dispatcher);</li>
 * <li>batch size at most the queue's max_batch_size.</li>
 * </ul>
 * Reset: a process cannot reset an idxd queue or device, so {@link #reset()} waits (bounded) until
 * every queue finished what it took and forgets the ops not reported; a queue that does not finish
 * makes reset throw with the reason (and SWERR as sysfs shows it), and the core retires the engine.
 */
final class DsaEngine implements DmaEngine {
    /** The longest op declared when the queue allows more: an op length is an int. */
    static final int MAX_DECLARED_TRANSFER_BYTES = 1 << 30;

    private final String name;
    private final EngineContext context;
    private final DsaChannel[] channels;
    private final DmaBuffer[] memory;
    private final EngineCapabilities capabilities;
    private final long drainTimeoutNanos;
    private final String identity;
    private final Path path;
    private boolean closed;

    private DsaEngine(String name, EngineContext context, DsaChannel[] channels, DmaBuffer[] memory, EngineCapabilities capabilities,
                      long drainTimeoutNanos, String identity, Path path) {
        this.path = path;
        this.name = name;
        this.context = context;
        this.channels = channels;
        this.memory = memory;
        this.capabilities = capabilities;
        this.drainTimeoutNanos = drainTimeoutNanos;
        this.identity = identity;
    }

    /** A queue and the port its descriptors go through. */
    record Binding(WorkQueueInfo queue, WorkQueuePort port) {
    }

    /** What differs between the two ways in: the idxd character device and vfio-pci. */
    interface Path {
        AddressingMode addressing();

        /** The address under which the device reaches {@code buffer} (its virtual address, or an IOVA). */
        long deviceAddress(EngineContext context, DmaBuffer buffer);

        /** The ops the device offers (OPCAP on vfio; every op the provider implements on cdev). */
        DmaOpKind[] ops();

        /** Brings the queues back: drains them (cdev) or resets them (vfio); then the channels forget. */
        void reset(DsaChannel[] channels, long timeoutNanos);

        /** Stops the device if this process owns it (vfio); nothing on cdev. */
        void close();

        /** Channel {@code index}'s completion interrupt and the descriptor interrupt handle that raises it, or null (polling). */
        default CompletionInterrupt interrupt(int index) {
            return null;
        }

        default int interruptHandle(int index) {
            return 0;
        }

        /** A device-wide fatal condition (vfio: GENSTS halted), or null; a register read, thread-safe. */
        default String fatalCondition() {
            return null;
        }
    }

    /** The idxd character device: shared virtual addressing, no reset but draining. */
    static final Path CDEV = new Path() {
        @Override
        public AddressingMode addressing() {
            return AddressingMode.SHARED_VIRTUAL;
        }

        @Override
        public long deviceAddress(EngineContext context, DmaBuffer buffer) {
            return buffer.segment().address();
        }

        @Override
        public DmaOpKind[] ops() {
            return new DmaOpKind[] {DmaOpKind.COPY, DmaOpKind.FILL, DmaOpKind.COMPARE, DmaOpKind.COMPARE_PATTERN, DmaOpKind.CRC32C,
                DmaOpKind.DUALCAST};
        }

        @Override
        public void reset(DsaChannel[] channels, long timeoutNanos) {
            RuntimeException failure = null;
            for (DsaChannel c : channels) {
                try {
                    c.drain(timeoutNanos);
                } catch (RuntimeException e) {
                    failure = collect(failure, e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void close() {
        }
    };

    static DsaEngine open(EngineContext context, List<Binding> bindings, DsaSettings settings) {
        return open(context, bindings, settings, CDEV);
    }

    static DsaEngine open(EngineContext context, List<Binding> bindings, DsaSettings settings, Path path) {
        String name = context.engineName();
        if (bindings.isEmpty()) {
            throw new IllegalStateException(name + ": no work queue to open");
        }
        long maxTransfer = MAX_DECLARED_TRANSFER_BYTES;
        int capacity = settings.ringSize();
        for (Binding b : bindings) {
            WorkQueueInfo wq = b.queue();
            if (wq.maxTransferBytes() <= 0) {
                throw new IllegalStateException(name + ": " + wq.name() + " max_transfer_size reads " + wq.maxTransferBytes());
            }
            maxTransfer = Math.min(maxTransfer, wq.maxTransferBytes());
            if (wq.dedicated()) {
                capacity = Math.min(capacity, Integer.highestOneBit(Math.max(wq.sizeEntries(), 1)));
            }
        }
        if (capacity < 2) {
            throw new IllegalStateException(name + ": a dedicated queue of fewer than 2 entries leaves no room for a ring; give it"
                + " more with accel-config config-wq --size=N");
        }
        DsaChannel[] channels = new DsaChannel[bindings.size()];
        DmaBuffer[] memory = new DmaBuffer[bindings.size()];
        StringBuilder identity = new StringBuilder();
        try {
            for (int i = 0; i < channels.length; i++) {
                Binding b = bindings.get(i);
                WorkQueueInfo wq = b.queue();
                int batchMaximum = Math.max(0, Math.min(capacity, wq.maxBatchSize()));
                int batchMinimum = settings.batchMinimum() > 0 && batchMaximum >= settings.batchMinimum() ? settings.batchMinimum() : 0;
                memory[i] = context.memoryPool().allocate(DsaChannel.bytesFor(capacity));
                channels[i] = new DsaChannel(i, name + " " + wq.name(), b.port(), memory[i].segment(),
                    path.deviceAddress(context, memory[i]), capacity, (int) maxTransfer, batchMinimum, batchMaximum,
                    path.interrupt(i), path.interruptHandle(i));
                identity.append(i == 0 ? "" : "; ").append(wq.name()).append(": ").append(b.port().submission());
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < channels.length; i++) {
                try {
                    bindings.get(i).port().close();
                } catch (RuntimeException c) {
                    e.addSuppressed(c);
                }
                if (memory[i] != null) {
                    context.releaseAfterDevice(memory[i]);
                }
            }
            throw e;
        }
        EngineCapabilities caps = EngineCapabilities.builder()
            .ops(path.ops())
            .directions(Direction.MEM_TO_MEM)
            .reaches(LocationKind.HOST_MEMORY)
            .addressing(path.addressing())
            .execution(ExecutionKind.HARDWARE)
            .maxTransferBytes((int) maxTransfer)
            .alignmentBytes(1)
            .dmaMaskBits(64)
            .maxSgEntries(1)
            .ringSize(capacity)
            .channelCount(channels.length)
            .interrupts(path.interrupt(0) != null)
            .inOrderCompletion(true)
            .build();
        return new DsaEngine(name, context, channels, memory, caps, settings.drainTimeoutNanos(), identity.toString(), path);
    }

    @Override
    public EngineCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public DmaChannel channel(int index) {
        if (index < 0 || index >= channels.length) {
            throw new IndexOutOfBoundsException(name + ": channel " + index + " does not exist; channels 0.." + (channels.length - 1));
        }
        return channels[index];
    }

    /** Each queue and how descriptors reach it, for {@code dmactl info}. */
    String identity() {
        return identity;
    }

    /**
     * Waits for every queue to finish what it took, then forgets the ops not reported.
     *
     * @throws IllegalStateException if a queue does not finish in time or refused a write for good;
     *                               the core then retires the engine with this reason
     */
    @Override
    public synchronized void reset() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        path.reset(channels, drainTimeoutNanos);
    }

    /** The first queue's reason for giving up (a refused write, a queue that did not drain), or null. Field reads only. */
    @Override
    public String fatalCondition() {
        String device = path.fatalCondition();
        if (device != null) {
            return device;
        }
        for (DsaChannel c : channels) {
            String reason = c.retiredReason;
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        List<DmaBuffer> release = new ArrayList<>();
        for (int i = 0; i < channels.length; i++) {
            try {
                if (!channels[i].stopped) {
                    channels[i].drain(drainTimeoutNanos);
                }
                release.add(memory[i]); // nothing of it is still with the device
            } catch (RuntimeException e) {
                failure = collect(failure, e); // its memory stays: the queue may still write the records
            }
            try {
                channels[i].closePort();
            } catch (RuntimeException e) {
                failure = collect(failure, e);
            }
        }
        try {
            path.close();
        } catch (RuntimeException e) {
            failure = collect(failure, e);
        }
        for (DmaBuffer b : release) {
            context.releaseAfterDevice(b);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException collect(RuntimeException failure, RuntimeException next) {
        if (failure == null) {
            return next;
        }
        failure.addSuppressed(next);
        return failure;
    }

    @Override
    public String toString() {
        return name + " (" + identity + ")";
    }
}
