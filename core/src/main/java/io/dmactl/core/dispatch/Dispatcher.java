package io.dmactl.core.dispatch;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Picks the engine for a transfer. First every engine is filtered (availability, explicit
 * choice, op, direction, reachability of both ends, alignment); then the survivors are ranked:
 * the cost model (below the cpu threshold a software engine wins, at or above it hardware does),
 * then the preference list, then the least outstanding work, then registration order.
 *
 * <p>Transfers longer than an engine's maxTransferBytes are not rejected: the core splits them
 * into chunks of {@link #chunkBytes} on one channel. Stateless and thread-safe.
 */
public final class Dispatcher {
    private final DispatchPolicy policy;

    public Dispatcher(DispatchPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public DispatchPolicy policy() {
        return policy;
    }

    /**
     * The best engine for {@code shape}.
     *
     * @throws NoEngineAvailableException listing each engine and why it cannot serve the transfer
     */
    public <C extends DispatchCandidate> C choose(TransferShape shape, List<C> candidates) {
        List<C> eligible = new ArrayList<>();
        StringBuilder reasons = new StringBuilder();
        for (C candidate : candidates) {
            String rejection = rejection(shape, candidate);
            if (rejection == null) {
                eligible.add(candidate);
            } else {
                reasons.append("\n  - ").append(candidate.engineName()).append(": ").append(rejection);
            }
        }
        if (eligible.isEmpty()) {
            throw new NoEngineAvailableException("no engine can " + shape.describe()
                + (candidates.isEmpty() ? ": no DMA engine is open" : ":" + reasons));
        }
        return best(shape.lengthBytes(), eligible);
    }

    /**
     * The best engine that can serve every op of a batch (a batch goes to one channel: one
     * doorbell, and fences between its ops hold). The cost model looks at the batch's total length.
     *
     * @throws NoEngineAvailableException listing each engine and the first op it cannot serve
     */
    public <C extends DispatchCandidate> C chooseForAll(List<TransferShape> shapes, List<C> candidates) {
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one op");
        }
        if (shapes.size() == 1) {
            return choose(shapes.get(0), candidates);
        }
        List<C> eligible = new ArrayList<>();
        StringBuilder reasons = new StringBuilder();
        long totalBytes = 0;
        for (TransferShape shape : shapes) {
            totalBytes += shape.lengthBytes();
        }
        for (C candidate : candidates) {
            String rejection = null;
            for (int i = 0; i < shapes.size() && rejection == null; i++) {
                String r = rejection(shapes.get(i), candidate);
                if (r != null) {
                    rejection = "op #" + i + " (" + shapes.get(i).describe() + "): " + r;
                }
            }
            if (rejection == null) {
                eligible.add(candidate);
            } else {
                reasons.append("\n  - ").append(candidate.engineName()).append(": ").append(rejection);
            }
        }
        if (eligible.isEmpty()) {
            throw new NoEngineAvailableException("no single engine can serve all " + shapes.size() + " ops of the batch"
                + (candidates.isEmpty() ? ": no DMA engine is open" : ":" + reasons));
        }
        return best(totalBytes, eligible);
    }

    /** Why {@code candidate} cannot serve {@code shape}, or null when it can. */
    public String rejection(TransferShape shape, DispatchCandidate candidate) {
        String unavailable = candidate.unavailableReason();
        if (unavailable != null) {
            return unavailable;
        }
        String requested = shape.requestedEngine();
        if (requested != null && !requested.equals(candidate.engineName()) && !requested.equals(candidate.providerName())) {
            return "not the requested engine '" + requested + "'";
        }
        EngineCapabilities caps = candidate.capabilities();
        if (!caps.supports(shape.op())) {
            return "does not support " + shape.op() + " (offers " + caps.ops() + ")";
        }
        if (!caps.supports(shape.direction())) {
            return "does not support direction " + shape.direction() + " (offers " + caps.directions() + ")";
        }
        if (shape.source() != null) {
            String unreachable = unreachable(shape.source(), "source", candidate);
            if (unreachable != null) {
                return unreachable;
            }
        }
        String unreachable = unreachable(shape.destination(), "destination", candidate);
        if (unreachable != null) {
            return unreachable;
        }
        if (caps.requiresOwnPrivateEnd()
            && !(shape.source() instanceof DevicePrivateSpace) && !(shape.destination() instanceof DevicePrivateSpace)) {
            // Both ends were checked reachable above, so a private end here is the candidate's own.
            return "moves data only in and out of its own device memory; neither " + endNames(shape) + " is";
        }
        if (shape.source() != null) {
            String misaligned = misaligned(shape.source(), shape.sourceOffset(), "source", caps);
            if (misaligned != null) {
                return misaligned;
            }
        }
        String misaligned = misaligned(shape.destination(), shape.destinationOffset(), "destination", caps);
        if (misaligned != null) {
            return misaligned;
        }
        long unit = alignmentUnit(shape, caps);
        if (shape.lengthBytes() % unit != 0) {
            return "length " + shape.lengthBytes() + " is not a multiple of " + unit + " bytes (its alignment)";
        }
        if (chunkBytes(shape, caps) <= 0) {
            return "max transfer " + caps.maxTransferBytes() + " bytes is below the " + chunkUnit(shape, caps)
                + "-byte unit this transfer needs";
        }
        return null;
    }

    /**
     * The size of the pieces an engine gets for {@code shape}: the engine's max transfer rounded
     * down to a multiple of the transfer's unit (alignment, private-space granularity, and 8 for a
     * fill so every piece starts at the pattern's first byte). 0 if not even one unit fits.
     */
    public static long chunkBytes(TransferShape shape, EngineCapabilities caps) {
        long unit = chunkUnit(shape, caps);
        return caps.maxTransferBytes() / unit * unit;
    }

    /** What offsets and the length must be multiples of: the engine's alignment and the private spaces' granularity. */
    private static long alignmentUnit(TransferShape shape, EngineCapabilities caps) {
        long unit = caps.alignmentBytes();
        if (shape.source() instanceof DevicePrivateSpace s) {
            unit = Math.max(unit, s.granularityBytes());
        }
        if (shape.destination() instanceof DevicePrivateSpace d) {
            unit = Math.max(unit, d.granularityBytes());
        }
        return unit; // all powers of two: the max is the least common multiple
    }

    /** What every piece but the last must be a multiple of: also 8 for a fill, so each piece starts the pattern over. */
    private static long chunkUnit(TransferShape shape, EngineCapabilities caps) {
        long unit = alignmentUnit(shape, caps);
        return shape.op() == DmaOpKind.FILL ? Math.max(unit, Long.BYTES) : unit;
    }

    private static String unreachable(DmaLocation location, String role, DispatchCandidate candidate) {
        EngineCapabilities caps = candidate.capabilities();
        return switch (location.kind()) {
            case HOST_MEMORY -> caps.reaches(location.kind()) ? null
                : "cannot reach host memory (" + role + " " + location.name() + ")";
            case DEVICE_WINDOW -> {
                if (!caps.reaches(location.kind())) {
                    yield "cannot reach device windows (" + role + " " + location.name() + ")";
                }
                if (caps.addressing() == AddressingMode.IOVA && !candidate.domainMapsDeviceMemory()) {
                    yield "its IOMMU domain cannot map device windows for peer-to-peer (" + role + " " + location.name() + ")";
                }
                yield null;
            }
            case DEVICE_PRIVATE -> {
                DevicePrivateSpace space = (DevicePrivateSpace) location;
                yield candidate.owns(space) ? null
                    : "cannot reach " + role + " " + space.name() + ": it is private to engine " + space.ownerEngine();
            }
        };
    }

    private static String endNames(TransferShape shape) {
        return shape.source() == null ? "destination " + shape.destination().name()
            : "source " + shape.source().name() + " nor destination " + shape.destination().name();
    }

    private static String misaligned(DmaLocation location, long offset, String role, EngineCapabilities caps) {
        long unit = caps.alignmentBytes();
        if (location instanceof DevicePrivateSpace space) {
            unit = Math.max(unit, space.granularityBytes());
        }
        // Host buffers and windows start on a page, so offset alignment is address alignment.
        if (offset % unit != 0) {
            return role + " offset " + offset + " is not a multiple of " + unit + " bytes (required alignment)";
        }
        return null;
    }

    private <C extends DispatchCandidate> C best(long lengthBytes, List<C> eligible) {
        boolean small = lengthBytes < policy.cpuThresholdBytes();
        ExecutionKind wanted = small ? ExecutionKind.SOFTWARE : ExecutionKind.HARDWARE;
        List<C> pool = new ArrayList<>();
        for (C c : eligible) {
            if (c.capabilities().execution() == wanted) {
                pool.add(c);
            }
        }
        if (pool.isEmpty()) {
            pool = eligible; // nothing of the wanted kind can serve it: any eligible engine will do
        }
        C best = null;
        int bestRank = Integer.MAX_VALUE;
        long bestLoad = Long.MAX_VALUE;
        for (C c : pool) {
            int rank = preferenceRank(c);
            long load = c.outstandingOps();
            if (best == null || rank < bestRank || (rank == bestRank && load < bestLoad)) {
                best = c;
                bestRank = rank;
                bestLoad = load;
            }
        }
        return best;
    }

    private int preferenceRank(DispatchCandidate candidate) {
        List<String> preferred = policy.preferredEngines();
        for (int i = 0; i < preferred.size(); i++) {
            String name = preferred.get(i);
            if (name.equals(candidate.engineName()) || name.equals(candidate.providerName())) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }
}
