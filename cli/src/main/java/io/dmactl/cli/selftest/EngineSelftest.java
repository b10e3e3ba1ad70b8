package io.dmactl.cli.selftest;

import io.dmactl.cli.copy.BytePattern;
import io.dmactl.cli.engines.EngineSession.NamedWindow;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.DmaTransfers;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferResult;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Runs every route one engine offers ({@link #routes}) over the {@link CaseMatrix}, checking each
 * transfer byte for byte: the destination range must equal the source, and the guard bytes
 * either side of it in a host buffer or window must be untouched (a transfer that writes too
 * much fails as surely as one that writes too little).
 */
public final class EngineSelftest {

    /** Bytes checked either side of a destination range. */
    static final long GUARD_BYTES = 64;
    /** Host buffers: the longest case past the largest offset, with guards. */
    public static final long HOST_BUFFER_BYTES = CaseMatrix.MAX_LENGTH_BYTES + 2 * 4096 + 2 * GUARD_BYTES;
    private static final byte GUARD = (byte) 0xA5;
    private static final int MAX_FAILURE_NOTES = 5;

    private final DmaRuntime runtime;
    private final DmaBuffer source;
    private final DmaBuffer destination;
    private final Consumer<String> failureNotes;

    /**
     * @param source       a host buffer of {@link #HOST_BUFFER_BYTES}, reused by every case
     * @param destination  another one
     * @param failureNotes gets a line for each of the first few failures of a route
     */
    public EngineSelftest(DmaRuntime runtime, DmaBuffer source, DmaBuffer destination, Consumer<String> failureNotes) {
        this.runtime = runtime;
        this.source = source;
        this.destination = destination;
        this.failureNotes = failureNotes;
    }

    /** The routes {@code engine} declares it can serve, given the windows there are. */
    public static Set<SelftestRoute> routes(EngineInfo engine, boolean windowAvailable) {
        EngineCapabilities caps = engine.capabilities();
        boolean own = caps.requiresOwnPrivateEnd();
        boolean host = caps.reaches(LocationKind.HOST_MEMORY);
        boolean window = windowAvailable && caps.reaches(LocationKind.DEVICE_WINDOW);
        boolean privateSpace = !engine.privateSpaces().isEmpty();
        Set<SelftestRoute> routes = EnumSet.noneOf(SelftestRoute.class);
        if (host && !own && caps.supports(Direction.MEM_TO_MEM)) {
            routes.add(SelftestRoute.HOST_TO_HOST);
            if (caps.supports(DmaOpKind.FILL)) {
                routes.add(SelftestRoute.FILL_HOST);
            }
        }
        if (host && window && !own) {
            if (caps.supports(Direction.MEM_TO_DEV)) {
                routes.add(SelftestRoute.HOST_TO_WINDOW);
            }
            if (caps.supports(Direction.DEV_TO_MEM)) {
                routes.add(SelftestRoute.WINDOW_TO_HOST);
            }
        }
        boolean readBack = host && privateSpace && caps.supports(Direction.DEV_TO_MEM);
        if (readBack && caps.supports(Direction.MEM_TO_DEV)) {
            routes.add(SelftestRoute.HOST_DEV_HOST);
        }
        if (readBack && window && caps.supports(Direction.DEV_TO_DEV)) {
            routes.add(SelftestRoute.WINDOW_DEV_HOST);
        }
        if (host && privateSpace && window && caps.supports(Direction.MEM_TO_DEV) && caps.supports(Direction.DEV_TO_DEV)) {
            routes.add(SelftestRoute.HOST_DEV_WINDOW);
        }
        // DEV_TO_DEV alone may only mean window <-> private memory (edu): a copy within private
        // memory is offered only when the engine declares a length for it.
        if (readBack && caps.supports(Direction.MEM_TO_DEV) && caps.supports(Direction.DEV_TO_DEV)
                && caps.maxPrivateCopyBytes() > 0) {
            routes.add(SelftestRoute.HOST_DEV_DEV_HOST);
        }
        return routes;
    }

    /** Runs {@code route} on {@code engine}; {@code window} is required by window routes. */
    public RouteSummary run(EngineInfo engine, SelftestRoute route, Optional<NamedWindow> window) {
        EngineCapabilities caps = engine.capabilities();
        boolean quick = caps.execution() == ExecutionKind.HARDWARE;
        long unit = caps.alignmentBytes();
        long room = HOST_BUFFER_BYTES - 2 * GUARD_BYTES;
        DevicePrivateSpace space = route.usesPrivateSpace() ? engine.privateSpaces().get(0) : null;
        if (space != null) {
            unit = Math.max(unit, space.granularityBytes());
            room = Math.min(room, space.lengthBytes());
        }
        long margin = 0;
        if (route == SelftestRoute.HOST_DEV_DEV_HOST) {
            // Two regions of the space: the cases' sources from offset 0, their destinations
            // above all of them, each destination with a margin of guard bytes either side that
            // is read back with it into a host buffer (so both regions and the read-back fit).
            margin = roundUp(GUARD_BYTES, unit);
            room = Math.min(room - 2 * margin, (space.lengthBytes() - 2 * margin) / 2 / unit * unit);
        }
        DeviceWindow bar = null;
        long barBase = 0;
        if (route.usesWindow()) {
            NamedWindow named = window.orElseThrow(() -> new IllegalArgumentException("route " + route + " needs a window"));
            bar = named.window();
            barBase = named.spec().offsetBytes();
            room = Math.min(room, bar.lengthBytes() - barBase - 2 * GUARD_BYTES);
        }
        List<SelftestCase> cases = room <= 0 ? List.of()
                : CaseMatrix.cases(quick, unit, caps.maxTransferBytes(), room);
        long secondRegion = roundUp(cases.stream()
                .mapToLong(c -> c.destinationOffset() + c.lengthBytes()).max().orElse(0), unit);
        PrivateCopyLayout layout = new PrivateCopyLayout(secondRegion, margin);
        Tally tally = new Tally(runtime.via(engine.name()));
        int failures = 0;
        int notes = 0;
        for (SelftestCase selftestCase : cases) {
            Optional<String> failure = runCase(tally, route, selftestCase, space, bar, barBase + GUARD_BYTES, layout);
            if (failure.isPresent()) {
                failures++;
                if (notes++ < MAX_FAILURE_NOTES) {
                    failureNotes.accept(engine.name() + " " + route + " (" + selftestCase + "): " + failure.get());
                }
            }
        }
        return new RouteSummary(engine.name(), route.label(), cases.size(), tally.ops, tally.bytes, failures, tally.nanos,
                Optional.empty());
    }

    /**
     * Where {@link SelftestRoute#HOST_DEV_DEV_HOST} puts a case's destination in the private
     * space: at {@code secondRegion + margin + destinationOffset}, above every case's source.
     */
    private record PrivateCopyLayout(long secondRegion, long margin) {
    }

    private Optional<String> runCase(Tally tally, SelftestRoute route, SelftestCase c, DevicePrivateSpace space,
                                     DeviceWindow bar, long barBase, PrivateCopyLayout layout) {
        long length = c.lengthBytes();
        long so = c.sourceOffset() + GUARD_BYTES;
        long dof = c.destinationOffset() + GUARD_BYTES;
        MemorySegment src = source.segment();
        MemorySegment dst = destination.segment();
        switch (route) {
            case HOST_TO_HOST -> {
                BytePattern.fill(src.asSlice(so, length), c.seed());
                guard(dst, dof, length);
                return tally.copy(source, so, destination, dof, length)
                        .or(() -> compare(src, so, dst, dof, length));
            }
            case FILL_HOST -> {
                long pattern = c.seed();
                for (long i = 0; i < length; i++) {
                    src.set(ValueLayout.JAVA_BYTE, so + i, (byte) (pattern >>> (8 * (i & 7))));
                }
                guard(dst, dof, length);
                return tally.fill(destination, dof, length, pattern)
                        .or(() -> compare(src, so, dst, dof, length));
            }
            case HOST_TO_WINDOW -> {
                MemorySegment window = bar.segment();
                BytePattern.fill(src.asSlice(so, length), c.seed());
                guard(window, barBase + c.destinationOffset(), length);
                return tally.copy(source, so, bar, barBase + c.destinationOffset(), length)
                        .or(() -> compare(src, so, window, barBase + c.destinationOffset(), length));
            }
            case WINDOW_TO_HOST -> {
                MemorySegment window = bar.segment();
                BytePattern.fill(window.asSlice(barBase + c.sourceOffset(), length), c.seed());
                guard(dst, dof, length);
                return tally.copy(bar, barBase + c.sourceOffset(), destination, dof, length)
                        .or(() -> compare(window, barBase + c.sourceOffset(), dst, dof, length));
            }
            case HOST_DEV_HOST -> {
                BytePattern.fill(src.asSlice(so, length), c.seed());
                guard(dst, so, length);
                return tally.copy(source, so, space, c.destinationOffset(), length)
                        .or(() -> tally.copy(space, c.destinationOffset(), destination, so, length))
                        .or(() -> compare(src, so, dst, so, length));
            }
            case WINDOW_DEV_HOST -> {
                MemorySegment window = bar.segment();
                BytePattern.fill(window.asSlice(barBase + c.sourceOffset(), length), c.seed());
                guard(dst, so, length);
                return tally.copy(bar, barBase + c.sourceOffset(), space, c.destinationOffset(), length)
                        .or(() -> tally.copy(space, c.destinationOffset(), destination, so, length))
                        .or(() -> compare(window, barBase + c.sourceOffset(), dst, so, length));
            }
            case HOST_DEV_WINDOW -> {
                MemorySegment window = bar.segment();
                BytePattern.fill(src.asSlice(so, length), c.seed());
                guard(window, barBase + c.sourceOffset(), length);
                return tally.copy(source, so, space, c.destinationOffset(), length)
                        .or(() -> tally.copy(space, c.destinationOffset(), bar, barBase + c.sourceOffset(), length))
                        .or(() -> compare(src, so, window, barBase + c.sourceOffset(), length));
            }
            case HOST_DEV_DEV_HOST -> {
                long from = c.destinationOffset();
                long margin = layout.margin();
                long to = layout.secondRegion() + margin + c.destinationOffset();
                long span = length + 2 * margin;
                BytePattern.fill(src.asSlice(so, length), c.seed());
                // The destination region and its margins first hold guard bytes: bytes left there
                // by an earlier run cannot pass for a copy, and a copy that spills shows.
                dst.asSlice(0, span).fill(GUARD);
                return tally.copy(source, so, space, from, length)
                        .or(() -> tally.copy(destination, 0, space, to - margin, span))
                        .or(() -> tally.copy(space, from, space, to, length))
                        .or(() -> {
                            // Cleared first, so a read-back that does nothing cannot pass either.
                            dst.asSlice(0, span).fill((byte) 0);
                            return tally.copy(space, to - margin, destination, 0, span);
                        })
                        .or(() -> compare(src, so, dst, margin, length));
            }
        }
        throw new IllegalStateException("route " + route);
    }

    private static long roundUp(long value, long unit) {
        return (value + unit - 1) / unit * unit;
    }

    /** Fills the guard bytes either side of {@code [offset, offset + length)} (and the range itself). */
    private static void guard(MemorySegment segment, long offset, long length) {
        segment.asSlice(offset - GUARD_BYTES, length + 2 * GUARD_BYTES).fill(GUARD);
    }

    private static Optional<String> compare(MemorySegment expected, long expectedOffset, MemorySegment actual,
                                            long actualOffset, long length) {
        long mismatch = MemorySegment.mismatch(expected, expectedOffset, expectedOffset + length,
                actual, actualOffset, actualOffset + length);
        if (mismatch >= 0) {
            return Optional.of(String.format("byte %d differs: expected 0x%02x, found 0x%02x", mismatch,
                    expected.get(ValueLayout.JAVA_BYTE, expectedOffset + mismatch) & 0xff,
                    actual.get(ValueLayout.JAVA_BYTE, actualOffset + mismatch) & 0xff));
        }
        for (long i = 1; i <= GUARD_BYTES; i++) {
            if (actual.get(ValueLayout.JAVA_BYTE, actualOffset - i) != GUARD) {
                return Optional.of("wrote before the destination range: byte -" + i + " changed");
            }
            if (actual.get(ValueLayout.JAVA_BYTE, actualOffset + length - 1 + i) != GUARD) {
                return Optional.of("wrote past the destination range: byte " + (length - 1 + i) + " changed");
            }
        }
        return Optional.empty();
    }

    /** Submits ops one at a time and adds up what they did. */
    private static final class Tally {
        private final DmaTransfers transfers;
        long ops;
        long bytes;
        long nanos;

        Tally(DmaTransfers transfers) {
            this.transfers = transfers;
        }

        Optional<String> copy(DmaLocation from, long fromOffset, DmaLocation to, long toOffset, long length) {
            long start = System.nanoTime();
            return finish(transfers.copy(from, fromOffset, to, toOffset, length), start, length,
                    from.name() + " -> " + to.name());
        }

        Optional<String> fill(DmaLocation to, long toOffset, long length, long pattern) {
            long start = System.nanoTime();
            return finish(transfers.fill(to, toOffset, length, pattern), start, length, "fill " + to.name());
        }

        private Optional<String> finish(CompletableFuture<TransferResult> future, long start, long length, String what) {
            TransferResult result = future.join();
            nanos += System.nanoTime() - start;
            ops++;
            bytes += length;
            if (!result.isSuccess()) {
                return Optional.of(what + " ended " + result.status()
                        + (result.deviceCode() != 0 ? " (device code " + result.deviceCode() + ")" : "")
                        + result.reason().map(reason -> ": " + reason).orElse(""));
            }
            return Optional.empty();
        }
    }
}
