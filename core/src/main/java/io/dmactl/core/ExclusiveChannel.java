package io.dmactl.core;

import io.dmactl.core.completion.ResetRule;
import io.dmactl.core.engine.EngineHandle;
import io.dmactl.core.engine.ResolvedAddress;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.internal.InFlightGate;
import io.dmactl.core.memory.DmaAccess;
import io.dmactl.core.memory.IovaMapping;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.EngineCapabilities;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Channel 0 of one engine, owned by one client thread: the raw fast path ({@link DmaChannel}:
 * enqueue, one submit per batch, poll) without the runtime's dispatch and channel worker. For
 * benchmarks and clients that drive an engine themselves, as the core's worker would.
 *
 * <pre>{@code
 * try (DmaRuntime dma = DmaRuntime.builder().exclusiveChannels(true).build();
 *      DmaBuffer src = dma.allocate(4096); DmaBuffer dst = dma.allocate(4096);
 *      ExclusiveChannel owned = dma.claimChannel("cpu")) {
 *     ExclusiveChannel.Address from = owned.resolveSource(src, 0, 4096);
 *     ExclusiveChannel.Address to = owned.resolveDestination(dst, 0, 4096);
 *     DmaChannel channel = owned.channel();
 *     long ticket = channel.enqueueCopy(from.space(), from.address(), to.space(), to.address(), 4096, 0);
 *     channel.submit();
 *     // poll until the ticket is reported, check its status
 * }
 * }</pre>
 *
 * What stays with the core:
 * <ul>
 * <li><b>Addresses.</b> {@link #resolve} checks the range like a runtime transfer, pins the
 *     location (its {@code close()} is refused meanwhile) and, for an IOVA engine, takes an IOMMU
 *     mapping with exactly the access asked for; both are held until this claim is closed. The
 *     client never computes a bus address.</li>
 * <li><b>One owner.</b> The claiming thread is the only one that may call {@link #channel()},
 *     {@link #resolve} and {@link #close()} (each checks); it must not hand the channel to
 *     another thread. The runtime starts no worker for the engine, never dispatches to it, never
 *     resets it behind the owner's back ({@code resetEngine} is refused), and refuses a second
 *     claim on the engine: {@link io.dmactl.core.spi.DmaEngine#reset()} acts on all its channels,
 *     so the claim covers the whole engine.</li>
 * <li><b>Exit.</b> {@link #close()} resets the engine (so the device touches no memory of the
 *     owner's ops any more), then drops the mappings and pins. If that reset fails the engine is
 *     retired and the pins and mappings are kept for good, as the runtime does for a device it
 *     could not confirm stopped. The runtime refuses to close while a claim is open.</li>
 * </ul>
 * Statuses, tickets and the ring's capacity are the owner's to check; the watchdog does not watch
 * a claimed engine.
 */
public final class ExclusiveChannel implements AutoCloseable {

    /**
     * A location resolved into the engine's address spaces: what {@link DmaChannel} enqueue takes.
     *
     * @param space 0 for the engine's DMA address space (IOVA, physical address or CPU pointer), 1..n for its private
     *     spaces
     * @param address the address in that space
     */
    public record Address(int space, long address) {
    }

    private final DmaRuntime runtime;
    private final LocationRegistry locations;
    private final EngineHandle engine;
    private final Thread owner;
    private final List<InFlightGate> pins = new ArrayList<>();
    private final List<IovaMapping> mappings = new ArrayList<>();
    private boolean closed;

    ExclusiveChannel(DmaRuntime runtime, LocationRegistry locations, EngineHandle engine) {
        this.runtime = runtime;
        this.locations = locations;
        this.engine = engine;
        this.owner = Thread.currentThread();
    }

    /**
     * The claimed engine's name.
     *
     * @return the engine's name
     */
    public String engineName() {
        return engine.engineName();
    }

    /**
     * The claimed engine's capabilities (max transfer, alignment, ops, channels).
     *
     * @return the capabilities the engine declared
     */
    public EngineCapabilities capabilities() {
        return engine.capabilities();
    }

    /**
     * The private spaces the engine declared (space ids 1..n).
     *
     * @return the spaces, in space-id order
     */
    public List<DevicePrivateSpace> privateSpaces() {
        return engine.privateSpaces();
    }

    /**
     * The engine's channel 0; only the claiming thread may call it, and only until {@link #close()}.
     *
     * @return the channel
     */
    public DmaChannel channel() {
        checkOwner("channel");
        return engine.engine().channel(0);
    }

    /**
     * Resolves {@code [offset, offset + lengthBytes)} of {@code location} for this engine as a source
     * (mapped device-read-only), pinning the location and holding its mapping until {@link #close()}.
     *
     * @param location a location of this runtime
     * @param offset the byte offset in {@code location} where the range starts
     * @param lengthBytes the range's length in bytes
     * @return the space and address to put in a descriptor
     * @throws IllegalArgumentException if the range does not fit, or the location is not this
     *                                  runtime's or is another engine's private space
     * @throws IllegalStateException    if the location is closed, or from another thread
     */
    public Address resolveSource(DmaLocation location, long offset, long lengthBytes) {
        return resolve(location, offset, lengthBytes, DmaAccess.DEVICE_READS);
    }

    /**
     * Resolves {@code [offset, offset + lengthBytes)} of {@code location} for this engine as a
     * destination (mapped device-write-only), pinning the location and holding its mapping until
     * {@link #close()}.
     *
     * @param location a location of this runtime
     * @param offset the byte offset in {@code location} where the range starts
     * @param lengthBytes the range's length in bytes
     * @return the space and address to put in a descriptor
     * @throws IllegalArgumentException if the range does not fit, or the location is not this
     *                                  runtime's or is another engine's private space
     * @throws IllegalStateException    if the location is closed, or from another thread
     */
    public Address resolveDestination(DmaLocation location, long offset, long lengthBytes) {
        return resolve(location, offset, lengthBytes, DmaAccess.DEVICE_WRITES);
    }

    private Address resolve(DmaLocation location, long offset, long lengthBytes, DmaAccess access) {
        checkOwner("resolve");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(access, "access");
        if (lengthBytes <= 0) {
            throw new IllegalArgumentException("length " + lengthBytes + " must be positive");
        }
        String role = access == DmaAccess.DEVICE_READS ? "source" : "destination";
        locations.checkRange(role, location, offset, lengthBytes);
        if (location instanceof DevicePrivateSpace space && !engine.owns(space)) {
            throw new IllegalArgumentException(space.describe() + " is not a private space of " + engine.engineName());
        }
        InFlightGate gate = LocationRegistry.gateOf(location);
        RuntimeSubmitter.pin(gate, location, role);
        ResolvedAddress resolved;
        try {
            resolved = engine.resolve(location, offset, lengthBytes, access);
        } catch (RuntimeException e) {
            if (gate != null) {
                gate.unpin();
            }
            throw e;
        }
        if (gate != null) {
            pins.add(gate);
        }
        if (resolved.mapping() != null) {
            mappings.add(resolved.mapping());
        }
        return new Address(resolved.space(), resolved.address());
    }

    /**
     * Resets the engine (every op still in its ring is dropped), then releases the mappings and
     * pins taken by {@link #resolve} and ends the claim. Idempotent.
     *
     * @throws IllegalStateException from another thread than the claiming one
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        checkOwner("close");
        endClaim(engine.engineName() + ": exclusive channel closed");
    }

    /** The claiming thread has ended: nobody can be inside the channel any more. */
    boolean ownerEnded() {
        return !owner.isAlive(); // its termination happens-before this returns false (JLS 17.4.4)
    }

    /**
     * Called by the runtime's close for a claim whose owner thread ended without closing it: the
     * same reset and release as {@link #close()}, from the closing thread.
     */
    void closeForEndedOwner() {
        if (!closed && ownerEnded()) {
            endClaim(engine.engineName() + ": exclusive channel's owner thread '" + owner.getName() + "' ended without closing it");
        }
    }

    private void endClaim(String reason) {
        closed = true;
        boolean reset = false;
        try {
            // No worker to pause: the owner is this thread (or has ended), not inside the channel.
            reset = engine.supervisor().reset(ResetRule.ABORT_ALL, false, reason);
        } finally {
            if (reset) {
                mappings.forEach(IovaMapping::release);
                pins.forEach(InFlightGate::unpin);
            }
            mappings.clear();
            pins.clear();
            runtime.release(this);
        }
    }

    EngineHandle engine() {
        return engine;
    }

    private void checkOwner(String call) {
        if (closed) {
            throw new IllegalStateException(call + ": the exclusive channel of " + engine.engineName() + " is closed");
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(call + ": the exclusive channel of " + engine.engineName() + " belongs to thread '"
                + owner.getName() + "', not '" + Thread.currentThread().getName() + "'");
        }
    }
}
