package io.dmactl.core;

import io.dmactl.core.completion.ChannelWorker;
import io.dmactl.core.completion.EngineSupervisor;
import io.dmactl.core.completion.PendingTransfer;
import io.dmactl.core.completion.StreamRecords;
import io.dmactl.core.dispatch.Dispatcher;
import io.dmactl.core.dispatch.TransferShape;
import io.dmactl.core.engine.EngineHandle;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.internal.InFlightGate;
import io.dmactl.core.memory.DmaAccess;
import io.dmactl.core.memory.IovaMapping;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * One client thread's lane onto one engine channel, for many small transfers between locations
 * it names up front: the runtime's equivalent of DPDK's enqueue-then-submit and of io_uring's
 * registered buffers. Opening the stream does once what {@link DmaTransfers#copy} does per
 * transfer: it picks the engine and channel, pins every registered location (its
 * {@code close()} is refused while the stream is open) and takes its IOMMU mapping with exactly
 * the access asked for. Each transfer then costs range and alignment checks, a channel permit
 * and a record of the stream's own (nothing allocated on the {@link CompletionHandler} path),
 * and a batch of them costs one doorbell.
 *
 * <pre>{@code
 * try (DmaStream stream = dma.stream().reads(source).writes(destination).open()) {
 *     for (int slot = 0; slot < 32; slot++) {
 *         stream.enqueueCopy(source, slot * 64L, destination, slot * 64L, 64, handler, slot);
 *     }
 *     stream.submit();                         // one doorbell for all 32
 *     while (handler.completed() < 32) {
 *         stream.poll();                       // completions run handler here, on this thread
 *     }
 * }
 * }</pre>
 *
 * <p><b>Staged until submitted.</b> {@code enqueue*} stages a transfer on the stream; nothing
 * reaches the engine before {@link #submit()} (or {@link #poll()}, {@code join()}/{@code get()}
 * on one of the stream's futures, or {@link #close()}, which submit first). A transfer that
 * was staged is never lost: it is submitted, or reported ABORTED if the runtime closed first.
 *
 * <p><b>One thread.</b> The thread that opened the stream is the only one that may enqueue,
 * submit, poll or close it (each checks). Completions run on whichever thread drives the
 * channel: this one in {@link #poll()} or {@code join()}, another client polling the same
 * channel, or the channel's worker (the fallback when nobody polls, as for every transfer).
 *
 * <p><b>Bounded.</b> At most {@link #capacity()} of the stream's transfers are staged or in
 * flight. The stream takes that many permits of its channel's bound
 * ({@link DmaRuntime.Builder#maxPendingPerChannel}) when it opens (or fails to open, without
 * waiting, when they are not free) and gives them back when it closes, so its transfers count
 * against the bound like any, without a permit taken and returned per transfer. When every
 * record is in use, an {@code enqueue*} harvests the channel on this thread until one comes
 * back, for at most the runtime's admission timeout, then throws {@link BackpressureException};
 * {@code tryEnqueue*} throws at once.
 *
 * <p><b>What stays with the core.</b> Every safety rule of the runtime holds: the watchdog,
 * engine resets and retirement, the channel's one-owner rule. If the engine is retired the stream
 * can take no more work (its calls say why); open another. If a transfer of the stream was in a
 * device that could not be confirmed stopped, the stream's locations stay pinned and mapped for
 * good, as for any transfer. Closing the runtime closes its streams.
 */
public final class DmaStream implements AutoCloseable {
    private static final long CLOSE_PARK_NANOS = 50_000L;

    /** A location as the stream sees it: pinned once, mapped once, for the stream's life. */
    private static final class Registration {
        final DmaLocation location;
        final InFlightGate gate;
        final DmaAccess access;
        final boolean deviceReads;
        final boolean deviceWrites;
        IovaMapping mapping;
        int space;
        /** Where byte 0 of the location is in the engine's space: mapped once, linear over the whole location. */
        long baseAddress;
        /** What offsets and lengths at this end must be multiples of (engine alignment, private-space granularity). */
        long unitBytes;

        Registration(DmaLocation location, DmaAccess access) {
            this.location = location;
            this.gate = LocationRegistry.gateOf(location);
            this.access = access;
            this.deviceReads = access.deviceReads();
            this.deviceWrites = access.deviceWrites();
        }
    }

    private final DmaRuntime runtime;
    private final RuntimeSubmitter submitter;
    private final EngineHandle engine;
    private final ChannelWorker worker;
    private final EngineSupervisor supervisor;
    private final EngineCapabilities caps;
    private final Thread owner;
    private final Registration[] registrations;
    private final StreamRecords records;
    private final LongSupplier clock;
    private final long admissionTimeoutNanos;
    private final long closeTimeoutNanos;
    private PendingTransfer stagedHead;
    private PendingTransfer stagedTail;
    private int staged;
    /** The channel permits reserved for the stream's records, given back when it closes. */
    private boolean permitsHeld = true;
    /** Set by the owner's close, or by the runtime's close (another thread). */
    private volatile String closedReason;

    private DmaStream(DmaRuntime runtime, RuntimeSubmitter submitter, EngineHandle engine, ChannelWorker worker,
                      Registration[] registrations, int depth, LongSupplier clock, long admissionTimeoutNanos,
                      long closeTimeoutNanos) {
        this.runtime = runtime;
        this.submitter = submitter;
        this.engine = engine;
        this.worker = worker;
        this.supervisor = engine.supervisor();
        this.caps = engine.capabilities();
        this.owner = Thread.currentThread();
        this.registrations = registrations;
        this.records = new StreamRecords(depth);
        this.clock = clock;
        this.admissionTimeoutNanos = admissionTimeoutNanos;
        this.closeTimeoutNanos = closeTimeoutNanos;
    }

    // ---------------------------------------------------------------- opening

    /**
     * What a stream may touch and how it is placed; from {@link DmaRuntime#stream()}. A location
     * named in both {@link #reads} and {@link #writes} is mapped for both.
     */
    public static final class Builder {
        private final DmaRuntime runtime;
        private final RuntimeSubmitter submitter;
        private final LocationRegistry locations;
        private final Dispatcher dispatcher;
        private final List<EngineHandle> engines;
        private final LongSupplier clock;
        private final long admissionTimeoutNanos;
        private final long closeTimeoutNanos;
        private final Map<DmaLocation, DmaAccess> access = new LinkedHashMap<>();
        private String engineName;
        private long typicalLengthBytes = 4096;
        private int depth;
        private boolean fills;

        Builder(DmaRuntime runtime, RuntimeSubmitter submitter, LocationRegistry locations, Dispatcher dispatcher,
                List<EngineHandle> engines, LongSupplier clock, long admissionTimeoutNanos, long closeTimeoutNanos) {
            this.runtime = runtime;
            this.submitter = submitter;
            this.locations = locations;
            this.dispatcher = dispatcher;
            this.engines = engines;
            this.clock = clock;
            this.admissionTimeoutNanos = admissionTimeoutNanos;
            this.closeTimeoutNanos = closeTimeoutNanos;
        }

        /**
         * Locations the device reads: copy sources. Mapped read-only unless also named in {@link #writes}.
         *
         * @param sources locations of this runtime (buffers, windows, device-private spaces)
         * @return this builder
         */
        public Builder reads(DmaLocation... sources) {
            for (DmaLocation l : Objects.requireNonNull(sources, "sources")) {
                add(Objects.requireNonNull(l, "a source location is null"), DmaAccess.DEVICE_READS);
            }
            return this;
        }

        /**
         * Locations the device writes: copy and fill destinations. Mapped write-only unless also named in {@link #reads}.
         *
         * @param destinations locations of this runtime
         * @return this builder
         */
        public Builder writes(DmaLocation... destinations) {
            for (DmaLocation l : Objects.requireNonNull(destinations, "destinations")) {
                add(Objects.requireNonNull(l, "a destination location is null"), DmaAccess.DEVICE_WRITES);
            }
            return this;
        }

        private void add(DmaLocation location, DmaAccess wanted) {
            access.merge(location, wanted, (a, b) -> a == b ? a : DmaAccess.DEVICE_READS_AND_WRITES);
        }

        /**
         * Also fills its destinations: only engines that fill are then picked. (A stream with no sources fills anyway.)
         *
         * @return this builder
         */
        public Builder fills() {
            fills = true;
            return this;
        }

        /**
         * Places the stream on this engine (or provider) by name, instead of the dispatcher's pick.
         *
         * @param engineOrProvider an engine's name or its provider's
         * @return this builder
         */
        public Builder engine(String engineOrProvider) {
            engineName = Objects.requireNonNull(engineOrProvider, "engineOrProvider");
            return this;
        }

        /**
         * The length most transfers will have (default 4096): what the dispatcher's cost model
         * weighs when it picks the engine (below the cpu threshold a software engine wins).
         *
         * @param lengthBytes a positive length
         * @return this builder
         */
        public Builder typicalLengthBytes(long lengthBytes) {
            if (lengthBytes <= 0) {
                throw new IllegalArgumentException("typicalLengthBytes must be positive, not " + lengthBytes);
            }
            typicalLengthBytes = lengthBytes;
            return this;
        }

        /**
         * The stream's transfers in flight at most (rounded up to a power of two; default: the
         * channel's ring capacity, at most half the channel's bound). Records for all of them are
         * made, and as many permits of the channel's bound taken, when the stream opens.
         *
         * @param transfers 1..65536
         * @return this builder
         */
        public Builder depth(int transfers) {
            if (transfers < 1 || transfers > 1 << 16) {
                throw new IllegalArgumentException("depth must be in 1.." + (1 << 16) + ", not " + transfers);
            }
            depth = transfers;
            return this;
        }

        /**
         * Picks the engine and channel, pins and maps every location.
         *
         * @return the open stream, owned by the calling thread
         * @throws IllegalArgumentException   if no location was named, or one is foreign or closed
         * @throws NoEngineAvailableException if no engine can serve every source and destination (each engine's reason)
         * @throws IllegalStateException      if the runtime is closed, or a location closed meanwhile
         * @throws BackpressureException      if the chosen channel has not {@code depth} of its bound free now
         */
        public DmaStream open() {
            if (access.isEmpty()) {
                throw new IllegalArgumentException("a stream needs at least one location: name them with reads(...) and writes(...)");
            }
            List<TransferShape> shapes = new ArrayList<>();
            List<Registration> regs = new ArrayList<>();
            for (Map.Entry<DmaLocation, DmaAccess> e : access.entrySet()) {
                DmaLocation l = e.getKey();
                locations.checkRange(e.getValue().deviceWrites() ? "destination" : "source", l, 0, l.lengthBytes());
                regs.add(new Registration(l, e.getValue()));
            }
            boolean anySource = false;
            for (Registration s : regs) {
                if (!s.access.deviceReads()) {
                    continue;
                }
                for (Registration d : regs) {
                    if (d.access.deviceWrites() && d != s) {
                        anySource = true;
                        shapes.add(new TransferShape(DmaOpKind.COPY, s.location, 0, d.location, 0, probeLength(s, d), 0,
                            engineName));
                    }
                }
            }
            for (Registration d : regs) {
                if (d.access.deviceWrites() && (fills || !anySource)) {
                    shapes.add(new TransferShape(DmaOpKind.FILL, null, 0, d.location, 0, probeLength(null, d), 0, engineName));
                }
            }
            if (shapes.isEmpty()) {
                throw new IllegalArgumentException("a stream needs a destination: name one with writes(...)");
            }
            runtime.enterSubmitter(); // open and not for exclusive owners; close() waits for us
            try {
                EngineHandle chosen = dispatcher.chooseForAll(shapes, engines);
                ChannelWorker worker = chosen.supervisor().leastLoadedWorker();
                int bound = worker.admission().limit();
                int records = Integer.highestOneBit(Math.max(1, depth > 0 ? depth
                    : Math.min(worker.ringCapacity(), Math.max(1, bound / 2))) * 2 - 1); // a power of two, as the records are
                if (records > bound) {
                    throw new IllegalArgumentException("a stream of depth " + records + " does not fit channel "
                        + worker.name() + ", which holds " + bound + " pending transfers (DmaRuntime.Builder"
                        + ".maxPendingPerChannel); open it with a smaller depth(...)");
                }
                // The stream's transfers count against the channel's bound like any: all its permits at
                // once, here, or none: opening never waits (a full channel is usually other streams').
                if (!worker.admission().tryAdmit(records)) {
                    throw new BackpressureException(chosen.engineName(), worker.name(), bound, "a stream of depth " + records
                        + " does not fit channel " + worker.name() + " of engine " + chosen.engineName() + " now: "
                        + worker.admission().pending() + " of its " + bound + " pending transfers are taken (by transfers"
                        + " in flight and open streams; DmaRuntime.Builder.maxPendingPerChannel); open it with a smaller"
                        + " depth(...), or after other streams close", null);
                }
                Registration[] pinned = regs.toArray(Registration[]::new);
                try {
                    pinAndMap(chosen, pinned);
                } catch (RuntimeException e) {
                    worker.admission().release(records);
                    throw e;
                }
                DmaStream stream = new DmaStream(runtime, submitter, chosen, worker, pinned, records, clock,
                    admissionTimeoutNanos, closeTimeoutNanos);
                runtime.opened(stream);
                return stream;
            } finally {
                runtime.exitSubmitter();
            }
        }

        /** A length every engine's checks accept for this pair if it can serve the stream at all. */
        private long probeLength(Registration s, Registration d) {
            long length = Math.min(typicalLengthBytes, d.location.lengthBytes());
            return s == null ? length : Math.min(length, s.location.lengthBytes());
        }

        private static void pinAndMap(EngineHandle engine, Registration[] regs) {
            int done = 0;
            try {
                for (Registration r : regs) {
                    RuntimeSubmitter.pin(r.gate, r.location, r.access.deviceWrites() ? "destination" : "source");
                    try {
                        r.mapping = engine.acquireMapping(r.location, 0, r.location.lengthBytes(), r.access);
                        if (r.mapping != null && !r.mapping.covers(0, r.location.lengthBytes())) {
                            r.mapping.release();
                            r.mapping = null;
                            throw new IllegalStateException("engine " + engine.engineName() + " could not map all of "
                                + r.location.describe() + " at once; a stream needs each location mapped whole");
                        }
                    } catch (RuntimeException e) {
                        if (r.gate != null) {
                            r.gate.unpin();
                        }
                        throw e;
                    }
                    r.space = engine.spaceOf(r.location);
                    r.baseAddress = engine.addressOf(r.location, 0, r.mapping);
                    long unit = engine.capabilities().alignmentBytes();
                    if (r.location instanceof DevicePrivateSpace p) {
                        unit = Math.max(unit, p.granularityBytes());
                    }
                    r.unitBytes = unit;
                    done++;
                }
            } catch (RuntimeException e) {
                for (int i = 0; i < done; i++) {
                    release(regs[i]);
                }
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- what it is

    /**
     * The engine the stream's transfers run on.
     *
     * @return the engine's name
     */
    public String engineName() {
        return engine.engineName();
    }

    /**
     * The channel the stream's transfers run on.
     *
     * @return the channel's name ({@code engine/chN})
     */
    public String channelName() {
        return worker.name();
    }

    /**
     * The stream's transfers in flight at most.
     *
     * @return its depth (a power of two)
     */
    public int capacity() {
        return records.capacity();
    }

    /**
     * The stream's transfers staged or in flight (not yet completed).
     *
     * @return a count, exact on the stream's thread
     */
    public int pending() {
        return records.inFlight() - records.leakedRecords();
    }

    /**
     * Transfers staged by {@code enqueue*} and not yet submitted.
     *
     * @return a count
     */
    public int staged() {
        return staged;
    }

    // ---------------------------------------------------------------- enqueue

    /**
     * Stages a copy of {@code lengthBytes} from {@code source + sourceOffset} to
     * {@code destination + destinationOffset}; {@code handler} gets {@code context} when it ends.
     * Allocates nothing.
     *
     * @param source            a location named in {@link Builder#reads}
     * @param sourceOffset      where the copy starts in it
     * @param destination       a location named in {@link Builder#writes}
     * @param destinationOffset where the copy lands in it
     * @param lengthBytes       bytes to copy
     * @param handler           told when the copy ended
     * @param context           passed to {@code handler}
     * @throws IllegalArgumentException if a location is not one of the stream's (for its role), a range is
     *                                  out of bounds or misaligned for the engine, or the ranges overlap
     * @throws BackpressureException    if no room freed within the admission timeout
     * @throws IllegalStateException    if called from another thread, or the stream, its engine or the runtime closed
     */
    public void enqueueCopy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                            long lengthBytes, CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        stage(copy(source, sourceOffset, destination, destinationOffset, lengthBytes, true).reportTo(handler, context));
    }

    /**
     * As {@link #enqueueCopy(DmaLocation, long, DmaLocation, long, long, CompletionHandler, long)}, but never waits for room.
     *
     * @param source            a location named in {@link Builder#reads}
     * @param sourceOffset      where the copy starts in it
     * @param destination       a location named in {@link Builder#writes}
     * @param destinationOffset where the copy lands in it
     * @param lengthBytes       bytes to copy
     * @param handler           told when the copy ended
     * @param context           passed to {@code handler}
     * @throws BackpressureException if the stream or its channel has no room now
     */
    public void tryEnqueueCopy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                               long lengthBytes, CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        stage(copy(source, sourceOffset, destination, destinationOffset, lengthBytes, false).reportTo(handler, context));
    }

    /**
     * Stages a copy and returns its future; {@code join()}/{@code get()} on this thread submit
     * what is staged first, then harvest the channel here. Allocates the future and its result.
     *
     * @param source            a location named in {@link Builder#reads}
     * @param sourceOffset      where the copy starts in it
     * @param destination       a location named in {@link Builder#writes}
     * @param destinationOffset where the copy lands in it
     * @param lengthBytes       bytes to copy
     * @return the copy's result, once it ended
     */
    public CompletableFuture<TransferResult> enqueueCopy(DmaLocation source, long sourceOffset, DmaLocation destination,
                                                        long destinationOffset, long lengthBytes) {
        PendingTransfer t = copy(source, sourceOffset, destination, destinationOffset, lengthBytes, true);
        StreamFuture future = new StreamFuture(this);
        stage(t.reportTo(future));
        return future;
    }

    /**
     * Stages a fill of {@code lengthBytes} at {@code destination + destinationOffset} with the
     * 8-byte {@code pattern} (little-endian, repeated); {@code handler} gets {@code context}.
     *
     * @param destination       a location named in {@link Builder#writes}
     * @param destinationOffset where the fill starts in it
     * @param lengthBytes       bytes to fill
     * @param pattern           the 8 bytes to repeat
     * @param handler           told when the fill ended
     * @param context           passed to {@code handler}
     * @throws IllegalArgumentException if the stream's engine does not fill, or as {@code enqueueCopy}
     */
    public void enqueueFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern,
                            CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        stage(fill(destination, destinationOffset, lengthBytes, pattern, true).reportTo(handler, context));
    }

    /**
     * As {@link #enqueueFill(DmaLocation, long, long, long, CompletionHandler, long)}, but never waits for room.
     *
     * @param destination       a location named in {@link Builder#writes}
     * @param destinationOffset where the fill starts in it
     * @param lengthBytes       bytes to fill
     * @param pattern           the 8 bytes to repeat
     * @param handler           told when the fill ended
     * @param context           passed to {@code handler}
     * @throws BackpressureException if the stream or its channel has no room now
     */
    public void tryEnqueueFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern,
                               CompletionHandler handler, long context) {
        Objects.requireNonNull(handler, "handler");
        stage(fill(destination, destinationOffset, lengthBytes, pattern, false).reportTo(handler, context));
    }

    /**
     * Stages a fill and returns its future (see {@link #enqueueCopy(DmaLocation, long, DmaLocation, long, long)}).
     *
     * @param destination       a location named in {@link Builder#writes}
     * @param destinationOffset where the fill starts in it
     * @param lengthBytes       bytes to fill
     * @param pattern           the 8 bytes to repeat
     * @return the fill's result, once it ended
     */
    public CompletableFuture<TransferResult> enqueueFill(DmaLocation destination, long destinationOffset, long lengthBytes,
                                                        long pattern) {
        PendingTransfer t = fill(destination, destinationOffset, lengthBytes, pattern, true);
        StreamFuture future = new StreamFuture(this);
        stage(t.reportTo(future));
        return future;
    }

    private PendingTransfer copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                                 long lengthBytes, boolean waitForRoom) {
        checkUsable();
        Registration s = registered(source, "source", true);
        Registration d = registered(destination, "destination", false);
        LocationRegistry.checkLength(lengthBytes);
        LocationRegistry.checkBounds("source", source, sourceOffset, lengthBytes);
        LocationRegistry.checkBounds("destination", destination, destinationOffset, lengthBytes);
        LocationRegistry.checkNoOverlap(source, sourceOffset, destination, destinationOffset, lengthBytes);
        long unit = Math.max(s.unitBytes, d.unitBytes);
        checkAligned(unit, sourceOffset, destinationOffset, lengthBytes);
        boolean privateCopy = s.location instanceof DevicePrivateSpace && d.location instanceof DevicePrivateSpace;
        long max = privateCopy ? caps.maxPrivateCopyBytes() : caps.maxTransferBytes();
        long chunkBytes = Math.min(Integer.MAX_VALUE, max) & -unit; // units are powers of two: masks, no division
        long sourceAddress = s.baseAddress + sourceOffset;
        long destinationAddress = d.baseAddress + destinationOffset;
        return record(waitForRoom).initForStream(DmaOpKind.COPY, s.space, sourceAddress, d.space, destinationAddress,
            lengthBytes, 0, chunkBytes);
    }

    private PendingTransfer fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern,
                                 boolean waitForRoom) {
        checkUsable();
        if (!caps.supports(DmaOpKind.FILL)) {
            throw new IllegalArgumentException("engine " + engine.engineName() + " of this stream does not fill (it offers "
                + caps.ops() + "); open the stream with fills() to have one picked that does");
        }
        Registration d = registered(destination, "destination", false);
        LocationRegistry.checkLength(lengthBytes);
        LocationRegistry.checkBounds("destination", destination, destinationOffset, lengthBytes);
        checkAligned(d.unitBytes, destinationOffset, destinationOffset, lengthBytes);
        long unit = Math.max(d.unitBytes, Long.BYTES); // each piece starts the pattern over
        long chunkBytes = Math.min(Integer.MAX_VALUE, caps.maxTransferBytes()) & -unit;
        long destinationAddress = d.baseAddress + destinationOffset;
        return record(waitForRoom).initForStream(DmaOpKind.FILL, 0, 0, d.space, destinationAddress, lengthBytes, pattern,
            chunkBytes);
    }

    private void checkUsable() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("this stream belongs to thread " + owner.getName() + "; only it may use it");
        }
        String closed = closedReason;
        if (closed != null) {
            abortStaged(closed);
            throw new IllegalStateException("the stream is closed: " + closed);
        }
        String retired = supervisor.unavailableReason();
        if (retired != null) {
            abortStaged("engine " + engine.engineName() + " was retired: " + retired);
            throw new IllegalStateException("engine " + engine.engineName() + " of this stream was retired (" + retired
                + "); it takes no more work: open a new stream");
        }
    }

    private Registration registered(DmaLocation location, String role, boolean read) {
        Registration[] regs = registrations;
        for (int i = 0; i < regs.length; i++) {
            Registration r = regs[i];
            if (r.location == location) {
                if (read ? !r.deviceReads : !r.deviceWrites) {
                    throw new IllegalArgumentException(role + " " + location.describe() + " is registered with this stream"
                        + " only for the device to " + (read ? "write" : "read") + "; name it in "
                        + (read ? "reads(...)" : "writes(...)") + " when opening the stream");
                }
                return r;
            }
        }
        Objects.requireNonNull(location, role);
        throw new IllegalArgumentException(role + " " + location.describe() + " is not one of this stream's locations;"
            + " name it in " + (read ? "reads(...)" : "writes(...)") + " when opening the stream");
    }

    private void checkAligned(long unit, long offset1, long offset2, long lengthBytes) {
        if (((offset1 | offset2 | lengthBytes) & (unit - 1)) != 0) { // units are powers of two
            throw new IllegalArgumentException("engine " + engine.engineName() + " needs offsets and lengths in multiples of "
                + unit + " bytes here; got offsets " + offset1 + (offset1 == offset2 ? "" : " and " + offset2)
                + ", length " + lengthBytes);
        }
    }

    /** A record of the stream's (the channel permit for it was reserved when the stream opened). */
    private PendingTransfer record(boolean waitForRoom) {
        PendingTransfer t = records.take();
        return t != null ? t : waitForRecord(waitForRoom);
    }

    private RuntimeException closedUnder(RuntimeException e) {
        return runtime.open() ? e : new IllegalStateException("the DMA runtime was closed; the stream takes no more work", e);
    }

    /** Every record is in flight: submit what is staged and harvest on this thread until one comes back. */
    private PendingTransfer waitForRecord(boolean waitForRoom) {
        submit();
        long start = System.nanoTime();
        // Inside a handler this thread runs for the channel nobody else can harvest it: fail fast.
        long budget = waitForRoom && !worker.ownedByCurrentThread() ? admissionTimeoutNanos : 0;
        while (true) {
            if (worker.tryDrive() < 0) {
                Thread.onSpinWait();
            }
            PendingTransfer t = records.take();
            if (t != null) {
                return t;
            }
            long waited = System.nanoTime() - start;
            if (waited >= budget) {
                worker.requestFallback();
                throw new BackpressureException(engine.engineName(), worker.name(), records.capacity(),
                    "stream on channel " + worker.name() + " of engine " + engine.engineName() + " has all "
                        + records.capacity() + " of its transfers in flight (DmaStream.Builder.depth)"
                        + (waitForRoom ? " and none completed within the admission timeout of " + budget / 1_000_000 + " ms" : "")
                        + "; the transfer was refused, nothing of it was queued", null);
            }
            if (waited > 1_000_000L) {
                LockSupport.parkNanos(CLOSE_PARK_NANOS); // the worker has it: stop spinning
            }
        }
    }

    private void stage(PendingTransfer t) {
        if (stagedTail == null) {
            stagedHead = t;
        } else {
            stagedTail.chain(t);
        }
        stagedTail = t;
        staged++;
    }

    // ---------------------------------------------------------------- submit, poll

    /**
     * Hands every staged transfer to the channel with one doorbell (written into the ring on this
     * thread when the channel is free, else queued for its current owner).
     *
     * @return how many transfers were submitted
     * @throws IllegalStateException if called from another thread, or the stream or runtime closed
     *                               (staged transfers are then reported ABORTED)
     */
    public int submit() {
        checkUsable();
        int n = staged;
        if (n == 0) {
            return 0;
        }
        PendingTransfer head = stagedHead;
        long now = clock.getAsLong();
        for (PendingTransfer t = head; t != null; t = t.nextInBatch()) {
            t.stampCreated(now);
        }
        try {
            runtime.enterSubmitter();
        } catch (RuntimeException e) {
            abortStaged("the DMA runtime was closed before they were submitted");
            throw e;
        }
        try {
            stagedHead = null;
            stagedTail = null;
            staged = 0;
            worker.submit(head, n);
        } finally {
            runtime.exitSubmitter();
        }
        return n;
    }

    /**
     * Submits what is staged, then harvests the stream's channel once on this thread (if no other
     * thread is driving it): completed transfers' handlers and futures run here. Handlers of other
     * clients' transfers on the same channel may run here too.
     *
     * @return the ops completed on the channel in this round (0 if another thread was driving it)
     */
    public int poll() {
        submit();
        return Math.max(0, worker.tryDrive());
    }

    /** Reports staged transfers ABORTED and gives their records and permits back (the runtime or stream closed). */
    private void abortStaged(String why) {
        PendingTransfer t = stagedHead;
        int n = staged;
        stagedHead = null;
        stagedTail = null;
        staged = 0;
        if (n == 0) {
            return;
        }
        while (t != null) {
            PendingTransfer next = t.nextInBatch();
            TransferResult result = new TransferResult(TransferStatus.ABORTED, 0, t.lengthBytes(), engine.engineName(), 0,
                Optional.of(why), 0);
            t.abortUnsubmitted(result);
            records.giveUnsubmitted(t);
            t = next;
        }
    }

    // ---------------------------------------------------------------- close

    /**
     * Submits what is staged, waits for every transfer of the stream to end (harvesting on this
     * thread), then unpins and unmaps its locations. Idempotent.
     *
     * @throws IllegalStateException if called from another thread; or if transfers were still in
     *                               flight after the runtime's close grace (the stream stays open)
     */
    @Override
    public void close() {
        if (Thread.currentThread() != owner && closedReason == null) {
            throw new IllegalStateException("this stream belongs to thread " + owner.getName() + "; only it may close it");
        }
        if (closedReason != null) {
            abortStaged(closedReason);
            returnPermits();
            return;
        }
        if (runtime.open()) {
            try {
                submit();
            } catch (IllegalStateException e) {
                // the runtime closed meanwhile: the staged transfers were reported ABORTED
            }
        } else {
            abortStaged("the DMA runtime was closed before they were submitted");
        }
        long start = System.nanoTime();
        while (pending() > 0) {
            if (worker.tryDrive() <= 0) {
                if (System.nanoTime() - start > closeTimeoutNanos) {
                    throw new IllegalStateException("cannot close the stream on " + worker.name() + ": " + pending()
                        + " transfer(s) still in flight after " + TimeUnit.NANOSECONDS.toMillis(closeTimeoutNanos)
                        + " ms; its locations stay pinned and mapped");
                }
                worker.requestFallback();
                LockSupport.parkNanos(CLOSE_PARK_NANOS);
            }
        }
        returnPermits();
        release("closed by its owner");
        runtime.closed(this);
    }

    /** Gives back the channel permits reserved at opening, once none of the stream's transfers is pending. */
    private void returnPermits() {
        if (permitsHeld) {
            permitsHeld = false;
            worker.admission().release(records.capacity());
        }
    }

    /** The runtime closes: its engines are stopped, so nothing of the stream is in flight any more. */
    void closeForRuntime() {
        release("the DMA runtime was closed");
    }

    private synchronized void release(String why) {
        if (closedReason != null) {
            return;
        }
        closedReason = why;
        String leaked = records.leakedReason();
        for (Registration r : registrations) {
            if (leaked != null) {
                if (r.gate != null) {
                    r.gate.markPinsLeaked(leaked); // the device may still use it: pinned and mapped for good
                }
            } else {
                release(r);
            }
        }
    }

    private static void release(Registration r) {
        if (r.mapping != null) {
            r.mapping.release();
            r.mapping = null;
        }
        if (r.gate != null) {
            r.gate.unpin();
        }
    }

    @Override
    public String toString() {
        return "DmaStream[" + worker.name() + ", " + pending() + " pending of " + records.capacity() + "]";
    }

    /** A stream transfer's future: waiting on the stream's thread submits what is staged first. */
    private static final class StreamFuture extends DrivingFuture<TransferResult> implements TransferCallback {
        private final DmaStream stream;

        StreamFuture(DmaStream stream) {
            super(stream.worker);
            this.stream = stream;
        }

        @Override
        void beforeWait() {
            if (Thread.currentThread() == stream.owner && stream.staged > 0 && !isDone()) {
                stream.submit();
            }
        }

        @Override
        public void onComplete(TransferResult result) {
            complete(result);
        }
    }
}
