package io.dmactl.core;

import io.dmactl.core.completion.ChannelWorker;
import io.dmactl.core.completion.EngineSupervisor;
import io.dmactl.core.completion.ResetRule;
import io.dmactl.core.completion.Watchdog;
import io.dmactl.core.dispatch.DispatchPolicy;
import io.dmactl.core.dispatch.Dispatcher;
import io.dmactl.core.dispatch.TransferShape;
import io.dmactl.core.device.DeviceSource;
import io.dmactl.core.device.UioDeviceSource;
import io.dmactl.core.device.VfioDeviceSource;
import io.dmactl.core.engine.EngineHandle;
import io.dmactl.core.engine.EngineOpener;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.memory.DmaMemoryPool;
import io.dmactl.core.memory.HostPagesSource;
import io.dmactl.core.memory.IommuDomain;
import io.dmactl.core.memory.IovaMappings;
import io.dmactl.core.memory.PageSource;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The entry point: owns the DMA memory pool, the IOMMU domains and their mappings, the engines
 * the providers opened, their channel workers and the watchdog, and moves bytes between
 * locations without the client ever seeing a bus address.
 *
 * <pre>{@code
 * try (DmaRuntime dma = DmaRuntime.builder().build();
 *      DmaBuffer src = dma.allocate(1 << 20);
 *      DmaBuffer dst = dma.allocate(1 << 20)) {
 *     TransferResult r = dma.copy(src, 0, dst, 0, 1 << 20).join();
 * }
 * }</pre>
 *
 * Thread-safe. Each engine channel holds a bounded number of pending transfers
 * ({@link Builder#maxPendingPerChannel}); {@code copy}/{@code fill} wait for room, {@code tryCopy}/{@code tryFill}
 * fail fast with {@link BackpressureException} (see {@link DmaTransfers}). {@link #close()} wakes
 * callers waiting for room (they throw), then quiesces every engine (queued work ends ABORTED, work with an
 * engine gets a grace period, then the engine is reset), unmaps every IOVA, frees the memory and
 * closes the devices; it is idempotent.
 */
public final class DmaRuntime implements DmaTransfers, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DmaRuntime.class.getName());
    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;

    private final DmaMemoryPool pool;
    private final LocationRegistry locations;
    private final Dispatcher dispatcher;
    private final List<EngineHandle> engines = new CopyOnWriteArrayList<>();
    private final List<String> diagnostics = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> ownedDomains = new ArrayList<>();
    private final Watchdog watchdog;
    private final LongSupplier clock;
    private final long closeGraceNanos;
    private final long admissionTimeoutNanos;
    private final RuntimeSubmitter submitter;
    private final RuntimeTransfers transfers;
    private final AtomicInteger activeSubmitters = new AtomicInteger();
    private final Map<String, DeviceWindow> deviceWindows = new LinkedHashMap<>();
    private final List<VfioDevice> windowDevices = new ArrayList<>();
    private DeviceSource devices;
    private final Object closeLock = new Object();
    /** Engines opened without channel workers, for clients that claim their channel ({@link Builder#exclusiveChannels}). */
    private final boolean exclusiveChannels;
    /** Open claims by engine name; guarded by itself. */
    private final Map<String, ExclusiveChannel> claims = new LinkedHashMap<>();
    private final java.util.Set<DmaStream> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile int state = OPEN;

    static {
        RuntimeInternals.register(new RuntimeInternals.Access() {
            @Override
            public OptionalLong iovaOf(DmaRuntime runtime, DmaLocation location, String engineName) {
                return runtime.iovaOf(location, engineName);
            }

            @Override
            public DmaMemoryPool memoryPool(DmaRuntime runtime) {
                return runtime.memoryPool();
            }

            @Override
            public void deviceSource(Builder builder, DeviceSource source) {
                builder.deviceSource(source);
            }

            @Override
            public void pageSource(Builder builder, PageSource source) {
                builder.pageSource(source);
            }

            @Override
            public void emulatedIommu(Builder builder, IommuDomain domain) {
                builder.emulatedIommu(domain);
            }
        });
    }

    private DmaRuntime(Builder b) {
        this.clock = b.clock;
        this.closeGraceNanos = saturatedNanos(b.closeGrace);
        this.exclusiveChannels = b.exclusiveChannels;
        long opTimeoutNanos = saturatedNanos(b.opTimeout);
        this.admissionTimeoutNanos = b.admissionTimeout != null ? saturatedNanos(b.admissionTimeout)
            : opTimeoutNanos > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * opTimeoutNanos;
        PageSource source = b.pageSource != null ? b.pageSource : HostPagesSource.preferHugePages();
        this.pool = new DmaMemoryPool(source, b.pageBytes, b.poolChunkBytes, b.poolLimitBytes);
        this.locations = new LocationRegistry(pool);
        this.dispatcher = new Dispatcher(new DispatchPolicy(b.preferred, b.cpuThresholdBytes));
        this.submitter = new RuntimeSubmitter(this, dispatcher, engines, clock, admissionTimeoutNanos);
        this.transfers = new RuntimeTransfers(submitter, locations, null);
        this.watchdog = new Watchdog(opTimeoutNanos);
        IovaMappings emulated = null;
        if (b.emulatedIommu != null) {
            emulated = new IovaMappings(b.emulatedIommu);
            locations.addDomain(emulated);
            ownedDomains.add(b.emulatedIommu);
        }
        EngineOpener opener = new EngineOpener(pool, clock, b.options,
            (name, mapped) -> locations.attachWindow(name, name, mapped), opTimeoutNanos, b.completionExecutor,
            b.maxPendingPerChannel);
        List<DmaProvider> providers = ProviderSelection.select(b.providers, b.discoverProviders, b.onlyProviders, diagnostics);
        List<DmaProvider> deviceProviders = new ArrayList<>();
        try {
            for (DmaProvider provider : providers) {
                if (provider.devices().needsDevice()) {
                    deviceProviders.add(provider);
                } else {
                    openEngine(opener, provider, provider.name(), Optional.empty(), Optional.empty(), emulated);
                }
            }
            if (!deviceProviders.isEmpty() || !b.windows.isEmpty()) {
                this.devices = b.deviceSource != null ? b.deviceSource : defaultDeviceSource(b.uioDevicesMayWriteAnywhereInMemory);
                openDevices(opener, deviceProviders, b.windows);
            }
            watchdog.start();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        for (String note : diagnostics) {
            LOG.log(System.Logger.Level.DEBUG, note);
        }
    }

    /**
     * A builder with the defaults: providers found with {@link java.util.ServiceLoader}, devices bound to vfio-pci, a 1
     * GiB pool of locked host pages.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- memory and locations

    /**
     * A zeroed, page-aligned DMA buffer from the pool.
     *
     * @param lengthBytes the buffer's length in bytes, at least 1
     * @return a new buffer the caller closes; its memory returns to the pool
     */
    public DmaBuffer allocate(long lengthBytes) {
        checkOpen();
        return pool.allocate(lengthBytes);
    }

    /**
     * A zeroed DMA buffer whose address is a multiple of {@code alignmentBytes}.
     *
     * @param lengthBytes the buffer's length in bytes, at least 1
     * @param alignmentBytes the address alignment in bytes, a power of two
     * @return a new buffer the caller closes; its memory returns to the pool
     */
    public DmaBuffer allocate(long lengthBytes, long alignmentBytes) {
        checkOpen();
        return pool.allocate(lengthBytes, alignmentBytes);
    }

    /**
     * Registers client-owned native memory (page-aligned address and length) as a DMA buffer.
     *
     * @param clientSegment native memory the caller owns and keeps alive until the buffer is closed
     * @return a buffer over {@code clientSegment}; closing it unmaps and unpins but does not free the memory
     */
    public DmaBuffer register(MemorySegment clientSegment) {
        checkOpen();
        return pool.register(clientSegment);
    }

    /**
     * Attaches an already mapped device window (e.g. a BAR mmapped through vfio-binding) so that
     * transfers can name it; engines behind an IOMMU reach it through a peer-to-peer mapping.
     * Address and length must be page-aligned.
     *
     * @param name a name for the window in messages and {@code explainCopy}
     * @param mapped the mapped device memory
     * @return the window, a location transfers can name
     */
    public DeviceWindow attachWindow(String name, MemorySegment mapped) {
        checkOpen();
        Objects.requireNonNull(name, "name");
        return locations.attachWindow(name, name, mapped);
    }

    /**
     * A BAR requested with {@link Builder#deviceWindow}, mapped through VFIO and reachable by the
     * engines of this runtime's IOMMU domain (peer to peer) and the CPU.
     *
     * @param pciAddress the function's PCI address, {@code 0000:00:05.0}
     * @param barIndex the BAR, 0..5
     * @return the window
     * @throws IllegalArgumentException if it was not requested or could not be mapped (see {@link #diagnostics()})
     */
    public DeviceWindow window(String pciAddress, int barIndex) {
        String key = new WindowRequest(PciAddress.parse(pciAddress), barIndex).toString();
        DeviceWindow window = deviceWindows.get(key);
        if (window == null) {
            throw new IllegalArgumentException("no device window " + key + "; windows: " + deviceWindows.keySet()
                + " (request it with DmaRuntime.Builder.deviceWindow; see diagnostics() for windows that failed)");
        }
        return window;
    }

    /**
     * The pool's limits and current use.
     *
     * @return a consistent snapshot of page size, limit, reserved and used bytes and live buffers
     */
    public PoolStatistics poolStatistics() {
        synchronized (pool) { // the pool's own lock: one consistent snapshot
            return new PoolStatistics(pool.pageBytes(), pool.limitBytes(), pool.reservedBytes(), pool.usedBytes(),
                pool.liveBuffers());
        }
    }

    /** The pool itself: core-internal (tests reach it through {@link RuntimeInternals}). */
    DmaMemoryPool memoryPool() {
        return pool;
    }

    // ---------------------------------------------------------------- engines

    /**
     * The open engines and their state (capabilities, private spaces, resets, why one takes no work), in the order they
     * were opened.
     *
     * @return the engines, a snapshot
     */
    public List<EngineInfo> engines() {
        List<EngineInfo> infos = new ArrayList<>();
        for (EngineHandle e : engines) {
            infos.add(new EngineInfo(e.engineName(), e.providerName(), e.device(), e.capabilities(), e.privateSpaces(),
                e.supervisor().resetCount(), Optional.ofNullable(e.unavailableReason()), e.supervisor().deviceErrors()));
        }
        return infos;
    }

    /**
     * What happened while opening: providers skipped, engines that failed to open, and why.
     *
     * @return the messages, in the order they happened
     */
    public List<String> diagnostics() {
        return Collections.unmodifiableList(diagnostics);
    }

    /**
     * A device-private location declared by an engine.
     *
     * @param engineName an engine's name as {@link EngineInfo#name()} gives it
     * @param spaceName the space's name as the engine declared it
     * @return the space, a location transfers can name
     * @throws IllegalArgumentException naming the engines and spaces that do exist
     */
    public DevicePrivateSpace privateSpace(String engineName, String spaceName) {
        EngineHandle engine = engine(engineName);
        for (DevicePrivateSpace space : engine.privateSpaces()) {
            if (space.name().equals(engineName + " " + spaceName)) {
                return space;
            }
        }
        throw new IllegalArgumentException("engine " + engineName + " has no private space '" + spaceName + "'; it has "
            + engine.privateSpaces().stream().map(DevicePrivateSpace::name).toList());
    }

    /**
     * Transfers through one engine (by engine or provider name) only; misuse still throws.
     *
     * @param engineOrProvider an engine name, or a provider name for all its engines
     * @return a view of this runtime's transfers restricted to that engine or provider
     */
    public DmaTransfers via(String engineOrProvider) {
        Objects.requireNonNull(engineOrProvider, "engineOrProvider");
        for (EngineHandle e : engines) {
            if (e.engineName().equals(engineOrProvider) || e.providerName().equals(engineOrProvider)) {
                return new RuntimeTransfers(submitter, locations, engineOrProvider);
            }
        }
        throw new IllegalArgumentException("no engine or provider named '" + engineOrProvider + "'; engines: " + engineNames());
    }

    /**
     * The lowest IOVA at which {@code location} is mapped in the domain of {@code engineName} within
     * that engine's DMA mask, if it is (a location used both as source and destination, or by
     * engines of different masks, has several mappings). Core-internal: clients never see a bus
     * address (tests reach it through {@link RuntimeInternals}).
     */
    OptionalLong iovaOf(DmaLocation location, String engineName) {
        return engine(engineName).iovaOf(location);
    }

    /**
     * Resets an engine now: every op it holds ends ABORTED (with a reason naming this reset);
     * queued ops run afterwards, and the engine serves again when this returns true.
     *
     * @param engineName an engine's name as {@link EngineInfo#name()} gives it
     * @return true if the engine was reset; false if it is retired or closing, if one of its
     *         channel owners did not leave its channel within the control timeout (then nothing
     *         was reset), or if the reset failed (then the engine is retired)
     */
    public boolean resetEngine(String engineName) {
        checkOpen();
        EngineHandle engine = engine(engineName);
        if (exclusiveChannels) {
            throw new IllegalStateException("cannot reset " + engineName + ": this runtime's engines are opened for exclusive"
                + " channel owners (Builder.exclusiveChannels); closing the ExclusiveChannel resets the engine");
        }
        if (engine.supervisor().isWorkerThread()) {
            throw new IllegalStateException("cannot reset " + engineName + " from a completion callback on its own channel"
                + " worker; reset it from another thread");
        }
        return engine.supervisor().reset(ResetRule.ABORT_ALL, false, engineName + " was reset (resetEngine)");
    }

    /**
     * Opens a {@link DmaStream}: the calling thread's lane onto one channel for many small
     * transfers between locations named up front (pinned and mapped once, not per transfer).
     * Name the locations, then {@link DmaStream.Builder#open()}:
     * {@code dma.stream().reads(source).writes(destination).open()}.
     *
     * @return a builder for a stream on this runtime
     * @throws IllegalStateException if the runtime is closed
     */
    public DmaStream.Builder stream() {
        checkOpen();
        return new DmaStream.Builder(this, submitter, locations, dispatcher, engines, clock, admissionTimeoutNanos,
            closeGraceNanos);
    }

    /** A stream opened (inside the submitter guard, so close() finds it). */
    void opened(DmaStream stream) {
        streams.add(stream);
    }

    /** A stream closed by its owner. */
    void closed(DmaStream stream) {
        streams.remove(stream);
    }

    /**
     * Claims channel 0 of {@code engineName} for the calling thread, which then drives it itself
     * (enqueue, submit, poll) with the addresses {@link ExclusiveChannel#resolve} gives it. Only
     * in a runtime built with {@link Builder#exclusiveChannels}; one claim per engine at a time,
     * since an engine reset acts on all its channels. See {@link ExclusiveChannel} for what the
     * core still guarantees.
     *
     * @param engineName an engine's name as {@link EngineInfo#name()} gives it
     * @return the claimed channel; close it to give it back
     * @throws IllegalStateException    if the runtime is not built for it, is closed, the engine is
     *                                  retired, or its channel is claimed already
     * @throws IllegalArgumentException if there is no such engine
     */
    public ExclusiveChannel claimChannel(String engineName) {
        Objects.requireNonNull(engineName, "engineName");
        if (!exclusiveChannels) {
            throw new IllegalStateException("claimChannel(" + engineName + "): the runtime's channel workers own every"
                + " channel; build the runtime with exclusiveChannels(true) to drive a channel yourself");
        }
        EngineHandle engine = engine(engineName);
        synchronized (claims) {
            checkOpen();
            if (engine.unavailableReason() != null) {
                throw new IllegalStateException("engine " + engineName + " takes no work: " + engine.unavailableReason());
            }
            ExclusiveChannel held = claims.get(engineName);
            if (held != null) {
                throw new IllegalStateException("engine " + engineName + " is claimed already; close that ExclusiveChannel first");
            }
            ExclusiveChannel claim = new ExclusiveChannel(this, locations, engine);
            claims.put(engineName, claim);
            return claim;
        }
    }

    /** Called by {@link ExclusiveChannel#close()} once the engine is reset. */
    void release(ExclusiveChannel claim) {
        synchronized (claims) {
            claims.remove(claim.engine().engineName(), claim);
        }
    }

    /**
     * How the dispatcher sees a copy: each engine and why it can or cannot serve it, and the pick.
     *
     * @param source where the bytes would be read
     * @param sourceOffset the byte offset in {@code source}
     * @param destination where the bytes would be written
     * @param destinationOffset the byte offset in {@code destination}
     * @param lengthBytes the copy's length in bytes
     * @return a multi-line report, for people
     */
    public String explainCopy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                              long lengthBytes) {
        TransferShape shape = transfers.copyShape(source, sourceOffset, destination, destinationOffset, lengthBytes);
        StringBuilder text = new StringBuilder(shape.describe()).append(':');
        for (EngineHandle e : engines) {
            String rejection = dispatcher.rejection(shape, e);
            text.append("\n  - ").append(e.engineName()).append(": ").append(rejection == null ? "can serve" : rejection);
        }
        try {
            EngineHandle chosen = dispatcher.choose(shape, engines);
            text.append("\n  chosen: ").append(chosen.engineName()).append(" (")
                .append(dispatcher.whyChosen(shape, chosen, engines)).append(')');
        } catch (RuntimeException e) {
            text.append("\n  chosen: none");
        }
        return text.toString();
    }

    // ---------------------------------------------------------------- transfers

    @Override
    public CompletableFuture<TransferResult> copy(DmaLocation source, long sourceOffset, DmaLocation destination,
                                                  long destinationOffset, long lengthBytes) {
        return transfers.copy(source, sourceOffset, destination, destinationOffset, lengthBytes);
    }

    @Override
    public void copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                     long lengthBytes, TransferCallback callback) {
        transfers.copy(source, sourceOffset, destination, destinationOffset, lengthBytes, callback);
    }

    @Override
    public CompletableFuture<TransferResult> fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern) {
        return transfers.fill(destination, destinationOffset, lengthBytes, pattern);
    }

    @Override
    public void fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern, TransferCallback callback) {
        transfers.fill(destination, destinationOffset, lengthBytes, pattern, callback);
    }

    @Override
    public CompletableFuture<TransferResult> tryCopy(DmaLocation source, long sourceOffset, DmaLocation destination,
                                                     long destinationOffset, long lengthBytes) {
        return transfers.tryCopy(source, sourceOffset, destination, destinationOffset, lengthBytes);
    }

    @Override
    public void tryCopy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                        long lengthBytes, TransferCallback callback) {
        transfers.tryCopy(source, sourceOffset, destination, destinationOffset, lengthBytes, callback);
    }

    @Override
    public CompletableFuture<TransferResult> tryFill(DmaLocation destination, long destinationOffset, long lengthBytes,
                                                     long pattern) {
        return transfers.tryFill(destination, destinationOffset, lengthBytes, pattern);
    }

    @Override
    public void tryFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern,
                        TransferCallback callback) {
        transfers.tryFill(destination, destinationOffset, lengthBytes, pattern, callback);
    }

    @Override
    public void copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset, long lengthBytes,
                     CompletionHandler handler, long context) {
        transfers.copy(source, sourceOffset, destination, destinationOffset, lengthBytes, handler, context);
    }

    @Override
    public void tryCopy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                        long lengthBytes, CompletionHandler handler, long context) {
        transfers.tryCopy(source, sourceOffset, destination, destinationOffset, lengthBytes, handler, context);
    }

    @Override
    public void fill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern,
                     CompletionHandler handler, long context) {
        transfers.fill(destination, destinationOffset, lengthBytes, pattern, handler, context);
    }

    @Override
    public void tryFill(DmaLocation destination, long destinationOffset, long lengthBytes, long pattern,
                        CompletionHandler handler, long context) {
        transfers.tryFill(destination, destinationOffset, lengthBytes, pattern, handler, context);
    }

    @Override
    public CompletableFuture<TransferResult> compare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes) {
        return transfers.compare(a, aOffset, b, bOffset, lengthBytes);
    }

    @Override
    public void compare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes, TransferCallback callback) {
        transfers.compare(a, aOffset, b, bOffset, lengthBytes, callback);
    }

    @Override
    public void compare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes, CompletionHandler handler, long context) {
        transfers.compare(a, aOffset, b, bOffset, lengthBytes, handler, context);
    }

    @Override
    public CompletableFuture<TransferResult> tryCompare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes) {
        return transfers.tryCompare(a, aOffset, b, bOffset, lengthBytes);
    }

    @Override
    public void tryCompare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes, TransferCallback callback) {
        transfers.tryCompare(a, aOffset, b, bOffset, lengthBytes, callback);
    }

    @Override
    public void tryCompare(DmaLocation a, long aOffset, DmaLocation b, long bOffset, long lengthBytes, CompletionHandler handler, long context) {
        transfers.tryCompare(a, aOffset, b, bOffset, lengthBytes, handler, context);
    }

    @Override
    public CompletableFuture<TransferResult> comparePattern(DmaLocation location, long offset, long lengthBytes, long pattern) {
        return transfers.comparePattern(location, offset, lengthBytes, pattern);
    }

    @Override
    public void comparePattern(DmaLocation location, long offset, long lengthBytes, long pattern, TransferCallback callback) {
        transfers.comparePattern(location, offset, lengthBytes, pattern, callback);
    }

    @Override
    public void comparePattern(DmaLocation location, long offset, long lengthBytes, long pattern, CompletionHandler handler, long context) {
        transfers.comparePattern(location, offset, lengthBytes, pattern, handler, context);
    }

    @Override
    public CompletableFuture<TransferResult> tryComparePattern(DmaLocation location, long offset, long lengthBytes, long pattern) {
        return transfers.tryComparePattern(location, offset, lengthBytes, pattern);
    }

    @Override
    public void tryComparePattern(DmaLocation location, long offset, long lengthBytes, long pattern, TransferCallback callback) {
        transfers.tryComparePattern(location, offset, lengthBytes, pattern, callback);
    }

    @Override
    public void tryComparePattern(DmaLocation location, long offset, long lengthBytes, long pattern, CompletionHandler handler, long context) {
        transfers.tryComparePattern(location, offset, lengthBytes, pattern, handler, context);
    }

    @Override
    public CompletableFuture<TransferResult> crc32c(DmaLocation location, long offset, long lengthBytes, long seed) {
        return transfers.crc32c(location, offset, lengthBytes, seed);
    }

    @Override
    public void crc32c(DmaLocation location, long offset, long lengthBytes, long seed, TransferCallback callback) {
        transfers.crc32c(location, offset, lengthBytes, seed, callback);
    }

    @Override
    public void crc32c(DmaLocation location, long offset, long lengthBytes, long seed, CompletionHandler handler, long context) {
        transfers.crc32c(location, offset, lengthBytes, seed, handler, context);
    }

    @Override
    public CompletableFuture<TransferResult> tryCrc32c(DmaLocation location, long offset, long lengthBytes, long seed) {
        return transfers.tryCrc32c(location, offset, lengthBytes, seed);
    }

    @Override
    public void tryCrc32c(DmaLocation location, long offset, long lengthBytes, long seed, TransferCallback callback) {
        transfers.tryCrc32c(location, offset, lengthBytes, seed, callback);
    }

    @Override
    public void tryCrc32c(DmaLocation location, long offset, long lengthBytes, long seed, CompletionHandler handler, long context) {
        transfers.tryCrc32c(location, offset, lengthBytes, seed, handler, context);
    }

    @Override
    public CompletableFuture<TransferResult> dualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes) {
        return transfers.dualcast(source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes);
    }

    @Override
    public void dualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes, TransferCallback callback) {
        transfers.dualcast(source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes, callback);
    }

    @Override
    public void dualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes, CompletionHandler handler, long context) {
        transfers.dualcast(source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes, handler, context);
    }

    @Override
    public CompletableFuture<TransferResult> tryDualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes) {
        return transfers.tryDualcast(source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes);
    }

    @Override
    public void tryDualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes, TransferCallback callback) {
        transfers.tryDualcast(source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes, callback);
    }

    @Override
    public void tryDualcast(DmaLocation source, long sourceOffset, DmaLocation destination1, long destination1Offset,
            DmaLocation destination2, long destination2Offset, long lengthBytes, CompletionHandler handler, long context) {
        transfers.tryDualcast(source, sourceOffset, destination1, destination1Offset, destination2, destination2Offset, lengthBytes, handler, context);
    }

    @Override
    public Batch batch() {
        return transfers.batch();
    }

    @Override
    public int poll() {
        return submitter.pollIfOpen();
    }

    /** A duration in nanoseconds, Long.MAX_VALUE (about 292 years: for ever) where it does not fit. */
    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Quiesces and closes everything, in order: refuse new work; each engine fails its queued
     * work ABORTED, gets the close grace period for work it holds, is reset if work remains
     * (ABORTED) and closed; windows detach; buffers are unmapped from every IOMMU domain and
     * freed; domains and devices close. Idempotent.
     *
     * <p>If an engine could not be closed because a channel owner would not stop (see
     * {@link EngineSupervisor#close}), the other engines are still closed, but the DMA memory,
     * IOMMU mappings and domains, windows and devices are left as they are (leaked, logged at
     * ERROR): that owner or its device may still use them. The runtime then counts as closed and
     * this method throws, so a caller can tell.
     *
     * <p>Buffers that stay pinned because a transfer on them was left in a device that could not
     * be confirmed stopped (see {@link DmaBuffer}) are freed here, once every engine is closed
     * and its device released; not if an engine leaked.
     *
     * @throws IllegalStateException if called from a completion callback running on a channel
     *                               worker; or, after everything else was done, if an engine
     *                               could not be stopped (the message names the engines and what was left in place)
     */
    @Override
    public void close() {
        for (EngineHandle e : engines) {
            if (e.supervisor().isWorkerThread()) {
                throw new IllegalStateException("cannot close the runtime from a completion callback on "
                    + e.engineName() + "'s channel worker; close it from another thread");
            }
        }
        synchronized (closeLock) {
            if (state == CLOSED) {
                return;
            }
            synchronized (claims) {
                for (ExclusiveChannel claim : List.copyOf(claims.values())) {
                    claim.closeForEndedOwner(); // its thread ended without closing it: nobody is inside that channel
                }
                if (!claims.isEmpty()) {
                    // Its owner may be inside the channel: closing the engine under it would free
                    // rings and memory the device may still use. Nothing is closed; close the claims first.
                    throw new IllegalStateException("cannot close the runtime: engine(s) " + claims.keySet()
                        + " still claimed by an ExclusiveChannel; close those first");
                }
                state = CLOSING; // under the claims lock: no claim can be made from here on
            }
            for (EngineHandle e : engines) {
                e.supervisor().closeAdmissions("the DMA runtime is closing"); // after the state: woken waiters see it
            }
            while (activeSubmitters.get() != 0) {
                Thread.onSpinWait(); // submitters that passed the open check finish queueing first (none waits for room now)
            }
            RuntimeException failure = null;
            watchdog.close();
            List<EngineHandle> reversed = new ArrayList<>(engines);
            Collections.reverse(reversed);
            List<String> leaked = new ArrayList<>();
            for (EngineHandle e : reversed) {
                try {
                    e.close(closeGraceNanos);
                } catch (RuntimeException ex) {
                    failure = first(failure, ex);
                }
                if (e.supervisor().leaked()) {
                    leaked.add(e.engineName());
                }
            }
            if (!leaked.isEmpty()) {
                String message = "engine(s) " + leaked + " could not be stopped (a channel worker did not stop) and were"
                    + " left open; the runtime's DMA memory pool (" + pool.liveBuffers() + " live buffer(s)), IOMMU mappings and"
                    + " domains, device windows and devices are left in place (leaked) rather than freed under them;"
                    + " the other engines were closed";
                LOG.log(System.Logger.Level.ERROR, message);
                state = CLOSED;
                IllegalStateException leak = new IllegalStateException(message);
                if (failure != null) {
                    leak.addSuppressed(failure);
                }
                throw leak;
            }
            for (DmaStream stream : streams) {
                stream.closeForRuntime(); // the engines are stopped: nothing of a stream is in flight
            }
            streams.clear();
            try {
                locations.closeWindows();
            } catch (RuntimeException ex) {
                failure = first(failure, ex);
            }
            try {
                pool.close();
            } catch (RuntimeException ex) {
                failure = first(failure, ex);
            }
            for (IovaMappings mappings : locations.domains()) {
                try {
                    mappings.close();
                } catch (RuntimeException ex) {
                    failure = first(failure, ex);
                }
            }
            for (VfioDevice device : windowDevices) {
                try {
                    device.close();
                } catch (RuntimeException ex) {
                    failure = first(failure, ex);
                }
            }
            for (AutoCloseable domain : ownedDomains) {
                try {
                    domain.close();
                } catch (Exception ex) {
                    failure = first(failure, ex instanceof RuntimeException r ? r : new IllegalStateException(ex));
                }
            }
            if (devices != null) {
                try {
                    devices.close();
                } catch (RuntimeException ex) {
                    failure = first(failure, ex);
                }
            }
            state = CLOSED;
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * Whether the runtime is open: false once {@link #close()} has started.
     *
     * @return true until {@code close()} starts
     */
    public boolean isOpen() {
        return state == OPEN;
    }

    private void openEngine(EngineOpener opener, DmaProvider provider, String engineName, Optional<PciDevice> device,
                            Optional<VfioDevice> vfioDevice, IovaMappings mappings) {
        try {
            EngineHandle handle = exclusiveChannels
                ? opener.openWithoutWorkers(provider, engineName, device, vfioDevice, mappings)
                : opener.open(provider, engineName, device, vfioDevice, mappings);
            engines.add(handle);
            locations.addEngine(handle);
            if (!exclusiveChannels) {
                watchdog.watch(handle.supervisor()); // a claimed channel's owner checks its own statuses
            }
        } catch (RuntimeException e) {
            diagnostics.add("engine " + engineName + " (provider '" + provider.name() + "') failed to open: " + e.getMessage());
            LOG.log(System.Logger.Level.WARNING, "engine " + engineName + " failed to open: " + e.getMessage());
            LOG.log(System.Logger.Level.DEBUG, "engine " + engineName + " failed to open", e);
        }
    }

    /**
     * Device engines and windows: each function bound to vfio-pci goes to the first provider that
     * matches it; all of them (and the devices of requested windows) share one IOMMU domain.
     */
    private void openDevices(EngineOpener opener, List<DmaProvider> deviceProviders, List<WindowRequest> windows) {
        List<PciDevice> available = devices.devices();
        Map<PciDevice, DmaProvider> claims = new LinkedHashMap<>();
        for (DmaProvider provider : deviceProviders) {
            int matched = 0;
            for (PciDevice d : available) {
                if (!provider.devices().matches(d.vendorId(), d.deviceId(), d.classCode())) {
                    continue;
                }
                DmaProvider owner = claims.putIfAbsent(d, provider);
                if (owner == null) {
                    matched++;
                } else {
                    diagnostics.add(d.address() + " (" + d.ids() + ") also matches provider '" + provider.name()
                        + "'; it is driven by '" + owner.name() + "'");
                }
            }
            if (matched == 0) {
                diagnostics.add("provider '" + provider.name() + "': no function bound to vfio-pci matches "
                    + provider.devices().matches());
            }
        }
        List<PciDevice> windowDevices = new ArrayList<>();
        for (WindowRequest w : windows) {
            PciDevice d = devices.device(w.address()).orElseThrow(() -> new IllegalArgumentException(
                "device window " + w + ": there is no PCI function " + w.address()));
            if (claims.containsKey(d)) {
                throw new IllegalArgumentException("device window " + w + ": " + w.address() + " is driven by provider '"
                    + claims.get(d).name() + "'; use the windows its engine declares");
            }
            if (!windowDevices.contains(d)) {
                windowDevices.add(d);
            }
        }
        List<PciDevice> toAttach = new ArrayList<>(claims.keySet());
        toAttach.addAll(windowDevices);
        if (toAttach.isEmpty()) {
            return;
        }
        Optional<IommuDomain> domain = devices.attach(toAttach, diagnostics);
        if (domain.isEmpty()) {
            diagnostics.add("no IOMMU domain for " + toAttach.stream().map(d -> d.address().toString()).toList()
                + "; their engines and windows are not available");
            return;
        }
        IovaMappings mappings = new IovaMappings(domain.get());
        locations.addDomain(mappings);
        ownedDomains.add(domain.get());
        for (Map.Entry<PciDevice, DmaProvider> claim : claims.entrySet()) {
            PciDevice d = claim.getKey();
            String engineName = claim.getValue().name() + "@" + d.address();
            Optional<VfioDevice> vfio;
            try {
                vfio = devices.open(d);
            } catch (RuntimeException e) {
                diagnostics.add("engine " + engineName + ": cannot open the device: " + e.getMessage());
                continue;
            }
            openEngine(opener, claim.getValue(), engineName, Optional.of(d), vfio, mappings);
        }
        for (WindowRequest w : windows) {
            PciDevice d = devices.device(w.address()).orElseThrow();
            try {
                VfioDevice vfio = openWindowDevice(d);
                MemorySegment bar = vfio.mapRegion(VfioDevice.BAR0_REGION + w.barIndex());
                deviceWindows.put(w.toString(), locations.attachWindow(w.toString(), w.address().toString(), bar));
            } catch (RuntimeException e) {
                diagnostics.add("device window " + w + " is not available: " + e.getMessage());
            }
        }
    }

    /**
     * Functions bound to vfio-pci; with the opt-in to DMA without an IOMMU, functions bound to
     * uio_pci_generic instead. Without it, UIO functions are named in the diagnostics with the
     * reason they are not opened and how to opt in.
     */
    private DeviceSource defaultDeviceSource(boolean uioOptIn) {
        if (uioOptIn) {
            return UioDeviceSource.system(true);
        }
        for (PciDevice uio : UioDeviceSource.system(false).devices()) {
            diagnostics.add(uio.address() + " is bound to uio_pci_generic; " + UioDeviceSource.OPT_IN_HINT);
        }
        return VfioDeviceSource.system();
    }

    private VfioDevice openWindowDevice(PciDevice d) {
        for (VfioDevice open : windowDevices) {
            if (open.pciAddress().equals(d.address().toString())) {
                return open;
            }
        }
        VfioDevice vfio = devices.open(d).orElseThrow(() -> new IllegalStateException(
            d.address() + " has no VFIO device to map a BAR from"));
        windowDevices.add(vfio);
        return vfio;
    }

    private EngineHandle engine(String engineName) {
        for (EngineHandle e : engines) {
            if (e.engineName().equals(engineName)) {
                return e;
            }
        }
        throw new IllegalArgumentException("no engine named '" + engineName + "'; engines: " + engineNames());
    }

    private List<String> engineNames() {
        return engines.stream().map(EngineHandle::engineName).toList();
    }

    /**
     * The submit path enters here before it touches an engine, and leaves through
     * {@link #exitSubmitter()}; {@link #close()} waits for submitters inside to leave.
     */
    void enterSubmitter() {
        if (exclusiveChannels) {
            throw new IllegalStateException("this runtime's engines are opened for exclusive channel owners"
                + " (Builder.exclusiveChannels): it moves no bytes itself; claim a channel with claimChannel");
        }
        activeSubmitters.incrementAndGet(); // then read the state: close() sets it, then waits for the count
        if (state != OPEN) {
            activeSubmitters.decrementAndGet();
            throw new IllegalStateException("the DMA runtime is closed");
        }
    }

    void exitSubmitter() {
        activeSubmitters.decrementAndGet();
    }

    /** Whether the runtime is still open (submitters that waited for room check it). */
    boolean open() {
        return state == OPEN;
    }

    private void checkOpen() {
        if (state != OPEN) {
            throw new IllegalStateException("the DMA runtime is closed");
        }
    }

    private static RuntimeException first(RuntimeException existing, RuntimeException next) {
        if (existing == null) {
            return next;
        }
        existing.addSuppressed(next);
        return existing;
    }

    /** A BAR to map as a device window. */
    private record WindowRequest(PciAddress address, int barIndex) {
        @Override
        public String toString() {
            return address + " BAR" + barIndex;
        }
    }

    /** Configuration of a {@link DmaRuntime}. */
    public static final class Builder {
        private final List<DmaProvider> providers = new ArrayList<>();
        private boolean discoverProviders = true;
        private final Set<String> onlyProviders = new LinkedHashSet<>();
        private final List<String> preferred = new ArrayList<>();
        private long cpuThresholdBytes = DispatchPolicy.DEFAULT_CPU_THRESHOLD_BYTES;
        private Duration opTimeout = Duration.ofSeconds(5);
        private Duration closeGrace = Duration.ofSeconds(1);
        private Duration admissionTimeout;
        private int maxPendingPerChannel;
        private long pageBytes = 4096;
        private long poolChunkBytes = 2L << 20;
        private long poolLimitBytes = 1L << 30;
        private PageSource pageSource;
        private IommuDomain emulatedIommu;
        private final Map<String, String> options = new LinkedHashMap<>();
        private Executor completionExecutor;
        private LongSupplier clock = System::nanoTime;
        private DeviceSource deviceSource;
        private final List<WindowRequest> windows = new ArrayList<>();
        private boolean exclusiveChannels;
        private boolean uioDevicesMayWriteAnywhereInMemory;

        private Builder() {
        }

        /**
         * The opt-in to DMA without an IOMMU (default false). With it, the default device source
         * drives functions bound to uio_pci_generic (instead of vfio-pci ones): no IOMMU checks their
         * DMA, so a device can write anywhere in memory, kernel included; a wrong address in a
         * descriptor corrupts the machine. Root is required (physical addresses from
         * /proc/self/pagemap). Without it such functions are listed in {@link DmaRuntime#diagnostics}
         * and never opened. Ignored when a device source is given (core-internal; the source decides).
         *
         * @param optIn true to drive uio_pci_generic functions without an IOMMU
         * @return this builder
         */
        public Builder uioDevicesMayWriteAnywhereInMemory(boolean optIn) {
            uioDevicesMayWriteAnywhereInMemory = optIn;
            return this;
        }

        /**
         * Opens every engine for a client that drives its channel itself (default false): no
         * channel workers, no dispatch (copy, fill and batch throw), no watchdog, no
         * {@code resetEngine}; a thread claims an engine's channel 0 with
         * {@link DmaRuntime#claimChannel}. Memory, IOMMU mappings, addresses and the engine's
         * reset on release stay with the core (see {@link ExclusiveChannel}).
         *
         * @param exclusive true for client-driven channels
         * @return this builder
         */
        public Builder exclusiveChannels(boolean exclusive) {
            exclusiveChannels = exclusive;
            return this;
        }

        /**
         * Where PCI devices come from (default: functions bound to vfio-pci, one VFIO container).
         * Consulted only when a provider drives devices or a device window is requested.
         *
         * @param source where to find and open PCI devices, not null
         * @return this builder
         */
        Builder deviceSource(DeviceSource source) {
            deviceSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Maps BAR {@code barIndex} of the vfio-pci function at {@code pciAddress} (a device no provider
         * drives, e.g. ivshmem) as a device window, in the same IOMMU domain as the device engines.
         * Fetch it with {@link DmaRuntime#window}.
         *
         * @param pciAddress the function's PCI address, {@code 0000:00:05.0}
         * @param barIndex the BAR, 0..5
         * @return this builder
         */
        public Builder deviceWindow(String pciAddress, int barIndex) {
            if (barIndex < 0 || barIndex > 5) {
                throw new IllegalArgumentException("BAR index " + barIndex + " must be 0..5");
            }
            windows.add(new WindowRequest(PciAddress.parse(pciAddress), barIndex));
            return this;
        }

        /**
         * Adds a provider instance (in addition to those found by ServiceLoader); it wins over a discovered one of the same name.
         *
         * @param provider a provider instance
         * @return this builder
         */
        public Builder provider(DmaProvider provider) {
            providers.add(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        /**
         * Whether to find providers with ServiceLoader (default true).
         *
         * @param discover false to use only providers given with {@link #provider}
         * @return this builder
         */
        public Builder discoverProviders(boolean discover) {
            discoverProviders = discover;
            return this;
        }

        /**
         * Opens only these providers (by name); unknown names fail the build.
         *
         * @param names provider names, as {@link DmaProvider#name()} gives them
         * @return this builder
         */
        public Builder onlyProviders(String... names) {
            onlyProviders.addAll(List.of(names));
            return this;
        }

        /**
         * Among engines that can serve a transfer equally, prefer these (engine or provider names, best first).
         *
         * @param engineOrProviderNames engine or provider names, best first
         * @return this builder
         */
        public Builder prefer(String... engineOrProviderNames) {
            preferred.addAll(List.of(engineOrProviderNames));
            return this;
        }

        /**
         * Transfers shorter than this go to a software engine when one can serve them (default 4096).
         *
         * @param bytes the length in bytes under which software engines are preferred, 0 to never prefer them
         * @return this builder
         */
        public Builder cpuThresholdBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("cpuThresholdBytes " + bytes + " must not be negative");
            }
            cpuThresholdBytes = bytes;
            return this;
        }

        /**
         * How long an engine may hold work without making progress before the watchdog resets it
         * (default 5 s): a channel's oldest op times out when it has not completed this long after
         * the engine could start it, that is after the later of its enqueue and the channel's last
         * completion. An engine that is merely busy (far more work queued than it finishes within
         * the timeout) keeps completing ops and is never reset; one that completes nothing for the
         * timeout while it holds work is: the oldest op ends TIMEOUT, the others it dropped ABORTED.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder opTimeout(Duration timeout) {
            opTimeout = requirePositive(timeout, "opTimeout");
            return this;
        }

        /**
         * How long close() lets engines finish the work they hold before resetting them (default 1 s).
         *
         * @param grace a duration, 0 to reset at once
         * @return this builder
         */
        public Builder closeGrace(Duration grace) {
            Objects.requireNonNull(grace, "closeGrace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("closeGrace " + grace + " must not be negative");
            }
            closeGrace = grace;
            return this;
        }

        /**
         * Backpressure: the most transfers pending on one engine channel, that is admitted and not
         * yet completed (queued for the channel's worker, waiting for ring space, or in the ring;
         * a transfer the core cuts into chunks counts once, a batch of n ops n times). Default
         * {@value io.dmactl.core.completion.ChannelWorker#DEFAULT_PENDING_RINGS} times each
         * channel's ring size (256 for a 64-entry ring). Pinning and IOVA mapping happen only once
         * a transfer is admitted, so this also bounds the memory a client keeps pinned and mapped
         * through queued work. See {@link DmaTransfers} for what a call does when its channel is full.
         *
         * @param transfers 1..{@value io.dmactl.core.completion.ChannelWorker#MAX_PENDING_LIMIT}, for every channel of every engine
         * @return this builder
         */
        public Builder maxPendingPerChannel(int transfers) {
            if (transfers < 1 || transfers > ChannelWorker.MAX_PENDING_LIMIT) {
                throw new IllegalArgumentException("maxPendingPerChannel " + transfers + " must be in 1.."
                    + ChannelWorker.MAX_PENDING_LIMIT + " transfers (default: " + ChannelWorker.DEFAULT_PENDING_RINGS
                    + " times each channel's ring size)");
            }
            maxPendingPerChannel = transfers;
            return this;
        }

        /**
         * How long {@code copy}, {@code fill} and {@code Batch.submit} wait for room on a full
         * channel before they throw {@link BackpressureException} (default twice the
         * {@link #opTimeout}: longer than it takes the watchdog to reset an engine that stopped
         * completing, which frees its channels).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder admissionTimeout(Duration timeout) {
            admissionTimeout = requirePositive(timeout, "admissionTimeout");
            return this;
        }

        /**
         * Most memory the pool may take (default 1 GiB; taken lazily, 2 MiB at a time).
         *
         * @param bytes the limit in bytes
         * @return this builder
         */
        public Builder poolLimitBytes(long bytes) {
            poolLimitBytes = bytes;
            return this;
        }

        /**
         * Memory the pool takes at a time (default 2 MiB, one hugepage).
         *
         * @param bytes the chunk size in bytes
         * @return this builder
         */
        public Builder poolChunkBytes(long bytes) {
            poolChunkBytes = bytes;
            return this;
        }

        /**
         * Where the pool's memory comes from (default: locked HostPages, hugepages when free).
         *
         * @param source where the pool takes its memory, not null
         * @return this builder
         */
        Builder pageSource(PageSource source) {
            pageSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * An IOMMU domain for device-less providers whose engines address memory by IOVA
         * (in-process device models); the runtime closes it.
         *
         * @param domain the domain, owned by the runtime from now on
         * @return this builder
         */
        Builder emulatedIommu(IommuDomain domain) {
            emulatedIommu = Objects.requireNonNull(domain, "domain");
            return this;
        }

        /**
         * A provider option, e.g. {@code option("cpu.channels", "4")}.
         *
         * @param key the option's name, prefixed with the provider's name
         * @param value the option's value, as text
         * @return this builder
         */
        public Builder option(String key, String value) {
            options.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Where completion callbacks and futures complete (default: on the channel worker threads).
         *
         * @param executor the executor; the caller keeps it alive and shuts it down after the runtime
         * @return this builder
         */
        public Builder completionExecutor(Executor executor) {
            completionExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The monotonic clock (default System::nanoTime); tests may drive time themselves.
         *
         * @param nanoClock a monotonic nanosecond clock
         * @return this builder
         */
        public Builder clock(LongSupplier nanoClock) {
            clock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        private static Duration requirePositive(Duration duration, String option) {
            Objects.requireNonNull(duration, option);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(option + " " + duration + " must be positive");
            }
            return duration;
        }

        /**
         * Opens the runtime: finds and opens the providers, their devices and engines, and starts the channel workers
         * and the watchdog. Providers or engines that fail to open are skipped and listed in
         * {@link DmaRuntime#diagnostics()}.
         *
         * @return the open runtime; close it to release every engine, device and buffer
         */
        public DmaRuntime build() {
            return new DmaRuntime(this);
        }
    }
}
