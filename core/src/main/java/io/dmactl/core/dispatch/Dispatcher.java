package io.dmactl.core.dispatch;

import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;

import java.util.List;
import java.util.Objects;

/**
 * Picks the engine for a transfer. First every engine is filtered (availability, explicit
 * choice, op, direction, reachability of both ends, alignment); then the survivors are ranked:
 * the cost model (below the cpu threshold a software engine wins, at or above it hardware does),
 * then the preference list, then the least outstanding work, then registration order.
 *
 * <p>An engine is offered only the ops it declares in {@link EngineCapabilities#ops()}; the
 * exception when none can serve a transfer names, per engine, the op it lacks.
 *
 * <p>Transfers longer than an engine's maxTransferBytes (for a copy inside its private memory,
 * maxPrivateCopyBytes) are not rejected when their op is {@linkplain DmaOpKind#splittable()
 * splittable} (copy, fill, dualcast): the core splits them into chunks of {@link #chunkBytes}
 * on one channel, so no single op the engine sees exceeds its limit. Ops whose result is one value
 * (compare, compare-pattern, CRC-32C) are refused when longer. Stateless and thread-safe.
 */
public final class Dispatcher {
    /** The reason {@link #rejection} gives while it is not asked to explain (one constant, nothing built). */
    private static final String REJECTED = "cannot serve it";

    private final DispatchPolicy policy;

    /**
     * A dispatcher that applies {@code policy}.
     *
     * @param policy the preferences and the software-engine threshold
     */
    public Dispatcher(DispatchPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * The policy this dispatcher applies.
     *
     * @return the policy
     */
    public DispatchPolicy policy() {
        return policy;
    }

    /**
     * The best engine for {@code shape}. Allocates nothing: engines that cannot serve it are
     * passed over without a reason being built (reasons are made only for the exception, when
     * none can).
     *
     * @param <C> the candidates' type
     * @param shape the transfer
     * @param candidates the open engines
     * @return the chosen engine
     * @throws NoEngineAvailableException listing each engine and why it cannot serve the transfer
     */
    public <C extends DispatchCandidate> C choose(TransferShape shape, List<C> candidates) {
        ExecutionKind wanted = wantedExecution(shape.lengthBytes());
        C best = null;
        for (int i = 0; i < candidates.size(); i++) { // indexed: no iterator per dispatch
            C candidate = candidates.get(i);
            if (rejection(shape, candidate, false) == null && (best == null || ranksBefore(candidate, best, wanted))) {
                best = candidate;
            }
        }
        if (best == null) {
            StringBuilder reasons = null; // only now: the reasons are for the exception
            for (int i = 0; i < candidates.size(); i++) {
                reasons = appendReason(reasons, candidates.get(i), rejection(shape, candidates.get(i), true));
            }
            throw new NoEngineAvailableException("no engine can " + shape.describe()
                + (candidates.isEmpty() ? ": no DMA engine is open" : ":" + reasons));
        }
        return best;
    }

    /**
     * The best engine that can serve every op of a batch (a batch goes to one channel: one
     * doorbell, and fences between its ops hold). The cost model looks at the batch's total length.
     *
     * @param <C> the candidates' type
     * @param shapes the transfers, all for one engine
     * @param candidates the open engines
     * @return the chosen engine
     * @throws NoEngineAvailableException listing each engine and the first op it cannot serve
     */
    public <C extends DispatchCandidate> C chooseForAll(List<TransferShape> shapes, List<C> candidates) {
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one op");
        }
        if (shapes.size() == 1) {
            return choose(shapes.get(0), candidates);
        }
        long totalBytes = 0;
        for (int i = 0; i < shapes.size(); i++) {
            // Saturates: the client's lengths may add up past Long.MAX_VALUE, which is still "large".
            long length = shapes.get(i).lengthBytes();
            totalBytes = length > Long.MAX_VALUE - totalBytes ? Long.MAX_VALUE : totalBytes + length;
        }
        ExecutionKind wanted = wantedExecution(totalBytes);
        C best = null;
        StringBuilder reasons = null;
        for (int c = 0; c < candidates.size(); c++) {
            C candidate = candidates.get(c);
            String rejection = null;
            for (int i = 0; i < shapes.size() && rejection == null; i++) {
                if (rejection(shapes.get(i), candidate, false) != null) {
                    rejection = "op #" + i + " (" + shapes.get(i).describe() + "): " + rejection(shapes.get(i), candidate, true);
                }
            }
            if (rejection != null) {
                reasons = appendReason(reasons, candidate, rejection);
            } else if (best == null || ranksBefore(candidate, best, wanted)) {
                best = candidate;
            }
        }
        if (best == null) {
            throw new NoEngineAvailableException("no single engine can serve all " + shapes.size() + " ops of the batch"
                + (candidates.isEmpty() ? ": no DMA engine is open" : ":" + reasons));
        }
        return best;
    }

    /**
     * Why {@code chosen} (the pick of {@link #choose} for {@code shape}) won, in the ranking's own
     * terms, for {@code explainCopy}: which execution kind the cost model wanted for this length and
     * why, whether the pick is of that kind, and the tie-break that decided among equals.
     *
     * @param <C> the candidates' type
     * @param shape the transfer
     * @param chosen the engine {@link #choose} picked, or null
     * @param candidates the open engines
     * @return the explanation, for people
     */
    public <C extends DispatchCandidate> String whyChosen(TransferShape shape, C chosen, List<C> candidates) {
        ExecutionKind wanted = wantedExecution(shape.lengthBytes());
        long threshold = policy.cpuThresholdBytes();
        StringBuilder why = new StringBuilder("cost model: ").append(shape.lengthBytes()).append(" bytes ")
            .append(wanted == ExecutionKind.SOFTWARE ? "< " : ">= ").append("cpu threshold ").append(threshold)
            .append(" bytes, so ").append(wanted == ExecutionKind.SOFTWARE
                ? "a software engine is cheaper (a doorbell and a completion cost more than copying on the CPU)"
                : "a hardware engine is preferred (it moves the bytes without a CPU core)");
        ExecutionKind kind = chosen.capabilities().execution();
        int peers = 0;
        for (int i = 0; i < candidates.size(); i++) {
            C c = candidates.get(i);
            if (c != chosen && c.capabilities().execution() == kind && rejection(shape, c, false) == null) {
                peers++;
            }
        }
        if (kind != wanted) {
            why.append("; no ").append(wanted.name().toLowerCase(java.util.Locale.ROOT))
                .append(" engine can serve it, so a ").append(kind.name().toLowerCase(java.util.Locale.ROOT)).append(" one does");
        } else {
            why.append("; ").append(chosen.engineName()).append(" is ").append(kind.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (peers > 0) {
            int rank = preferenceRank(chosen);
            why.append(rank != Integer.MAX_VALUE ? ", preferred (rank " + (rank + 1) + " in the preference list)"
                : ", the least outstanding work (" + chosen.outstandingOps() + " ops) or first registered")
                .append(" among ").append(peers + 1).append(" such engines");
        }
        return why.toString();
    }

    private static StringBuilder appendReason(StringBuilder reasons, DispatchCandidate candidate, String rejection) {
        StringBuilder text = reasons == null ? new StringBuilder() : reasons;
        return text.append("\n  - ").append(candidate.engineName()).append(": ").append(rejection);
    }

    /**
     * Why {@code candidate} cannot serve {@code shape}, or null when it can.
     *
     * @param shape the transfer
     * @param candidate an engine
     * @return the reason, or null
     */
    public String rejection(TransferShape shape, DispatchCandidate candidate) {
        return rejection(shape, candidate, true);
    }

    /**
     * {@link #rejection(TransferShape, DispatchCandidate)}; with {@code explain} false the reason
     * is {@link #REJECTED} instead of a message, so ranking the engines that can serve a transfer
     * builds no string (per transfer, for every engine that cannot).
     */
    private String rejection(TransferShape shape, DispatchCandidate candidate, boolean explain) {
        String unavailable = candidate.unavailableReason();
        if (unavailable != null) {
            return unavailable;
        }
        String requested = shape.requestedEngine();
        if (requested != null && !requested.equals(candidate.engineName()) && !requested.equals(candidate.providerName())) {
            return explain ? "not the requested engine '" + requested + "'" : REJECTED;
        }
        EngineCapabilities caps = candidate.capabilities();
        if (!caps.supports(shape.op())) {
            return explain ? "does not support " + shape.op() + " (offers " + caps.ops() + ")" : REJECTED;
        }
        if (!caps.supports(shape.direction())) {
            return explain ? "does not support direction " + shape.direction() + " (offers " + caps.directions() + ")" : REJECTED;
        }
        if (shape.direction2() != null && !caps.supports(shape.direction2())) {
            return explain ? "does not support direction " + shape.direction2() + " to the second destination (offers "
                + caps.directions() + ")" : REJECTED;
        }
        if (shape.source() != null) {
            String unreachable = unreachable(shape.source(), "source", candidate, explain);
            if (unreachable != null) {
                return unreachable;
            }
        }
        String unreachable = unreachable(shape.destination(), "destination", candidate, explain);
        if (unreachable != null) {
            return unreachable;
        }
        if (shape.destination2() != null) {
            unreachable = unreachable(shape.destination2(), "second destination", candidate, explain);
            if (unreachable != null) {
                return unreachable;
            }
        }
        if (caps.requiresOwnPrivateEnd() && !(shape.source() instanceof DevicePrivateSpace)
            && !(shape.destination() instanceof DevicePrivateSpace) && !(shape.destination2() instanceof DevicePrivateSpace)) {
            // Both ends were checked reachable above, so a private end here is the candidate's own.
            return explain ? "moves data only in and out of its own device memory; neither " + endNames(shape) + " is" : REJECTED;
        }
        if (isPrivateCopy(shape) && caps.maxPrivateCopyBytes() == 0) {
            // Both ends are this candidate's own (checked reachable above): refuse now rather than
            // let the device refuse every piece after submission.
            return explain ? "cannot copy from " + shape.source().describe() + " to " + shape.destination().describe()
                + ": it offers no copy inside its device-private memory (maxPrivateCopyBytes 0)" : REJECTED;
        }
        if (shape.source() != null) {
            String misaligned = misaligned(shape.source(), shape.sourceOffset(), "source", caps, explain);
            if (misaligned != null) {
                return misaligned;
            }
        }
        String misaligned = misaligned(shape.destination(), shape.destinationOffset(), "destination", caps, explain);
        if (misaligned != null) {
            return misaligned;
        }
        if (shape.destination2() != null) {
            misaligned = misaligned(shape.destination2(), shape.destination2Offset(), "second destination", caps, explain);
            if (misaligned != null) {
                return misaligned;
            }
        }
        long unit = alignmentUnit(shape, caps);
        if ((shape.lengthBytes() & (unit - 1)) != 0) { // units are powers of two: a mask, not a division
            return explain ? "length " + shape.lengthBytes() + " is not a multiple of " + unit + " bytes (its alignment)" : REJECTED;
        }
        if (chunkBytes(shape, caps) <= 0) {
            return explain ? (isPrivateCopy(shape) ? "max private copy " + caps.maxPrivateCopyBytes() : "max transfer " + caps.maxTransferBytes())
                + " bytes is below the " + chunkUnit(shape, caps) + "-byte unit this transfer needs" : REJECTED;
        }
        if (!shape.op().splittable() && shape.lengthBytes() > caps.maxTransferBytes()) {
            return explain ? "length " + shape.lengthBytes() + " exceeds its max transfer of " + caps.maxTransferBytes() + " bytes, and a "
                + shape.op() + " is not split (its result is one value for the whole range)" : REJECTED;
        }
        return null;
    }

    /**
     * The size of the pieces an engine gets for {@code shape}: the engine's max transfer rounded
     * down to a multiple of the transfer's unit (alignment, private-space granularity, and 8 for a
     * fill so every piece starts at the pattern's first byte). 0 if not even one unit fits.
     *
     * @param shape the transfer
     * @param caps the serving engine's capabilities
     * @return the chunk length in bytes
     */
    public static long chunkBytes(TransferShape shape, EngineCapabilities caps) {
        long unit = chunkUnit(shape, caps);
        long max = isPrivateCopy(shape) ? caps.maxPrivateCopyBytes() : caps.maxTransferBytes();
        return max & -unit; // rounded down to the unit, a power of two
    }

    /** A copy with both ends in private spaces (of the one engine that can reach both). */
    private static boolean isPrivateCopy(TransferShape shape) {
        return shape.op() == DmaOpKind.COPY && shape.source() instanceof DevicePrivateSpace
            && shape.destination() instanceof DevicePrivateSpace;
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
        if (shape.destination2() instanceof DevicePrivateSpace d2) {
            unit = Math.max(unit, d2.granularityBytes());
        }
        return unit; // all powers of two: the max is the least common multiple
    }

    /** What every piece but the last must be a multiple of: also 8 for a pattern op, so each piece starts the pattern over. */
    private static long chunkUnit(TransferShape shape, EngineCapabilities caps) {
        long unit = alignmentUnit(shape, caps);
        return switch (shape.op()) {
            case FILL, COMPARE_PATTERN -> Math.max(unit, Long.BYTES);
            case COPY, COMPARE, CRC32C, DUALCAST -> unit;
        };
    }

    private static String unreachable(DmaLocation location, String role, DispatchCandidate candidate, boolean explain) {
        EngineCapabilities caps = candidate.capabilities();
        return switch (location.kind()) {
            case HOST_MEMORY -> {
                if (!caps.reaches(location.kind())) {
                    yield explain ? "cannot reach host memory (" + role + " " + location.name() + ")" : REJECTED;
                }
                if (caps.addressing() == AddressingMode.SHARED_VIRTUAL && location instanceof DmaBuffer buffer && buffer.isRegistered()) {
                    // The device walks the process's page tables: only memory the runtime keeps locked is safe there.
                    yield explain ? "addresses memory by shared virtual address and the runtime does not lock registered client memory ("
                        + role + " " + location.name() + "); use a buffer from DmaRuntime.allocate" : REJECTED;
                }
                yield null;
            }
            case DEVICE_WINDOW -> {
                if (!caps.reaches(location.kind())) {
                    yield explain ? "cannot reach device windows (" + role + " " + location.name() + ")" : REJECTED;
                }
                if (caps.addressing() == AddressingMode.IOVA && !candidate.domainMapsDeviceMemory()) {
                    yield explain ? "its IOMMU domain cannot map device windows for peer-to-peer (" + role + " " + location.name() + ")" : REJECTED;
                }
                yield null;
            }
            case DEVICE_PRIVATE -> {
                DevicePrivateSpace space = (DevicePrivateSpace) location;
                yield candidate.owns(space) ? null
                    : explain ? "cannot reach " + role + " " + space.name() + ": it is private to engine " + space.ownerEngine()
                    : REJECTED;
            }
        };
    }

    private static String endNames(TransferShape shape) {
        return shape.source() == null ? "destination " + shape.destination().name()
            : "source " + shape.source().name() + " nor destination " + shape.destination().name();
    }

    private static String misaligned(DmaLocation location, long offset, String role, EngineCapabilities caps,
                                     boolean explain) {
        long unit = caps.alignmentBytes();
        if (location instanceof DevicePrivateSpace space) {
            unit = Math.max(unit, space.granularityBytes());
        }
        // Host buffers and windows start on a page, so offset alignment is address alignment.
        if ((offset & (unit - 1)) != 0) {
            return explain ? role + " offset " + offset + " is not a multiple of " + unit + " bytes (required alignment)" : REJECTED;
        }
        return null;
    }

    /** The cost model: below the cpu threshold a software engine wins, at or above it hardware. */
    private ExecutionKind wantedExecution(long lengthBytes) {
        return lengthBytes < policy.cpuThresholdBytes() ? ExecutionKind.SOFTWARE : ExecutionKind.HARDWARE;
    }

    /**
     * Whether eligible {@code c} beats eligible {@code best} (which came earlier in registration
     * order, so ties keep {@code best}): the wanted execution kind first (any kind serves when none
     * of the wanted kind can), then the preference list, then the least outstanding work.
     */
    private boolean ranksBefore(DispatchCandidate c, DispatchCandidate best, ExecutionKind wanted) {
        boolean cWanted = c.capabilities().execution() == wanted;
        boolean bestWanted = best.capabilities().execution() == wanted;
        if (cWanted != bestWanted) {
            return cWanted;
        }
        int rank = preferenceRank(c);
        int bestRank = preferenceRank(best);
        if (rank != bestRank) {
            return rank < bestRank;
        }
        return c.outstandingOps() < best.outstandingOps();
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
