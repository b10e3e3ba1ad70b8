package io.dmactl.core.spi;

import io.dmactl.core.location.LocationKind;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What an engine can do, as data. Engines only describe themselves; the core checks the
 * description once (this constructor) and the dispatcher filters requests against it.
 *
 * @param ops               operations offered: the dispatcher sends the engine no other, and the
 *                          engine's channels implement the enqueue call of each (see {@link DmaOpKind})
 * @param directions        directions offered
 * @param reaches           kinds of location the engine can address (a device-private space
 *                          additionally only by its owner)
 * @param addressing        what bus space 0 means
 * @param execution         software (host CPU) or hardware; drives the cost model
 * @param maxTransferBytes  the longest single op; the core splits longer transfers
 * @param alignmentBytes    bus addresses and lengths must be multiples of it (power of two)
 * @param dmaMaskBits       the highest bus address the engine can emit is 2^bits - 1
 * @param maxSgEntries      scatter-gather entries per descriptor (1 = contiguous only)
 * @param ringSize          descriptors per channel ring (power of two): max ops outstanding
 * @param channelCount      independent channels (each gets its own owner thread in the core)
 * @param interrupts        channels offer a {@link CompletionInterrupt}
 * @param inOrderCompletion ops of a channel complete in ticket order
 * @param requiresOwnPrivateEnd every op has its source or destination in one of this engine's own
 *                          private spaces (an engine that only moves data in and out of its device)
 * @param maxPrivateCopyBytes the longest single copy whose source and destination are both this
 *                          engine's private spaces (it may differ from maxTransferBytes: an NVMe
 *                          Copy is bounded by MCL, a read or write by MDTS); the core splits longer
 *                          ones. 0: the engine cannot copy within its private memory at all, and
 *                          the dispatcher refuses such copies before anything reaches it
 */
public record EngineCapabilities(
    Set<DmaOpKind> ops,
    Set<Direction> directions,
    Set<LocationKind> reaches,
    AddressingMode addressing,
    ExecutionKind execution,
    int maxTransferBytes,
    int alignmentBytes,
    int dmaMaskBits,
    int maxSgEntries,
    int ringSize,
    int channelCount,
    boolean interrupts,
    boolean inOrderCompletion,
    boolean requiresOwnPrivateEnd,
    int maxPrivateCopyBytes) {

    public static final int MAX_RING_SIZE = 1 << 20;
    public static final int MAX_CHANNELS = 256;
    public static final int MAX_ALIGNMENT_BYTES = 1 << 16;

    /** Checks the description (sets not empty, sizes and counts in range, powers of two where required) and freezes the sets. */
    public EngineCapabilities {
        ops = frozen(ops, DmaOpKind.class, "ops");
        directions = frozen(directions, Direction.class, "directions");
        reaches = frozen(reaches, LocationKind.class, "reaches");
        Objects.requireNonNull(addressing, "addressing");
        Objects.requireNonNull(execution, "execution");
        if (alignmentBytes <= 0 || Integer.bitCount(alignmentBytes) != 1 || alignmentBytes > MAX_ALIGNMENT_BYTES) {
            throw new IllegalArgumentException("alignmentBytes " + alignmentBytes + " must be a power of two in 1.." + MAX_ALIGNMENT_BYTES);
        }
        if (maxTransferBytes < alignmentBytes) {
            throw new IllegalArgumentException("maxTransferBytes " + maxTransferBytes + " must be at least alignmentBytes " + alignmentBytes);
        }
        if (maxPrivateCopyBytes != 0 && maxPrivateCopyBytes < alignmentBytes) {
            throw new IllegalArgumentException("maxPrivateCopyBytes " + maxPrivateCopyBytes + " must be 0 (no such copies) or at least alignmentBytes "
                + alignmentBytes);
        }
        if (dmaMaskBits < 12 || dmaMaskBits > 64) {
            throw new IllegalArgumentException("dmaMaskBits " + dmaMaskBits + " must be in 12..64");
        }
        if (maxSgEntries < 1) {
            throw new IllegalArgumentException("maxSgEntries " + maxSgEntries + " must be at least 1");
        }
        if (ringSize < 2 || ringSize > MAX_RING_SIZE || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("ringSize " + ringSize + " must be a power of two in 2.." + MAX_RING_SIZE);
        }
        if (channelCount < 1 || channelCount > MAX_CHANNELS) {
            throw new IllegalArgumentException("channelCount " + channelCount + " must be in 1.." + MAX_CHANNELS);
        }
        if (addressing == AddressingMode.CPU_VIRTUAL && execution != ExecutionKind.SOFTWARE) {
            throw new IllegalArgumentException("addressing CPU_VIRTUAL is only for SOFTWARE engines; a device needs IOVA, "
                + "SHARED_VIRTUAL or PHYSICAL");
        }
        if (addressing == AddressingMode.SHARED_VIRTUAL && execution != ExecutionKind.HARDWARE) {
            throw new IllegalArgumentException("addressing SHARED_VIRTUAL is for HARDWARE engines (a device on the process's "
                + "address space); a SOFTWARE engine uses CPU_VIRTUAL");
        }
        if (requiresOwnPrivateEnd && !reaches.contains(LocationKind.DEVICE_PRIVATE)) {
            throw new IllegalArgumentException("requiresOwnPrivateEnd needs reaches to include DEVICE_PRIVATE (reaches " + reaches + ")");
        }
        boolean reachesMemory = reaches.contains(LocationKind.HOST_MEMORY);
        boolean reachesDevice = reaches.contains(LocationKind.DEVICE_WINDOW) || reaches.contains(LocationKind.DEVICE_PRIVATE);
        for (Direction d : directions) {
            boolean needMemory = d != Direction.DEV_TO_DEV;
            boolean needDevice = d != Direction.MEM_TO_MEM;
            if ((needMemory && !reachesMemory) || (needDevice && !reachesDevice)) {
                throw new IllegalArgumentException("direction " + d + " is inconsistent with reaches " + reaches);
            }
        }
    }

    /**
     * The highest bus address the engine can emit: 2^dmaMaskBits - 1, capped at Long.MAX_VALUE.
     *
     * @return the highest bus address
     */
    public long dmaLimit() {
        return dmaMaskBits >= 63 ? Long.MAX_VALUE : (1L << dmaMaskBits) - 1;
    }

    /**
     * Whether the engine offers {@code op}.
     *
     * @param op an op kind
     * @return true if offered
     */
    public boolean supports(DmaOpKind op) {
        return ops.contains(op);
    }

    /**
     * Whether the engine offers {@code direction}.
     *
     * @param direction a direction
     * @return true if offered
     */
    public boolean supports(Direction direction) {
        return directions.contains(direction);
    }

    /**
     * Whether the engine can address locations of {@code kind}.
     *
     * @param kind a location kind
     * @return true if reachable
     */
    public boolean reaches(LocationKind kind) {
        return reaches.contains(kind);
    }

    /**
     * A builder with the defaults of {@link Builder}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private static <E extends Enum<E>> Set<E> frozen(Set<E> values, Class<E> type, String what) {
        Objects.requireNonNull(values, what);
        if (values.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return Collections.unmodifiableSet(EnumSet.copyOf(values));
    }

    /** Readable construction for providers; defaults: 1-byte alignment, 64-bit mask, no SG, 1 channel. */
    public static final class Builder {
        private final Set<DmaOpKind> ops = EnumSet.noneOf(DmaOpKind.class);
        private final Set<Direction> directions = EnumSet.noneOf(Direction.class);
        private final Set<LocationKind> reaches = EnumSet.noneOf(LocationKind.class);
        private AddressingMode addressing = AddressingMode.IOVA;
        private ExecutionKind execution = ExecutionKind.HARDWARE;
        private int maxTransferBytes = Integer.MAX_VALUE;
        private int alignmentBytes = 1;
        private int dmaMaskBits = 64;
        private int maxSgEntries = 1;
        private int ringSize = 64;
        private int channelCount = 1;
        private boolean interrupts;
        private boolean inOrderCompletion;
        private boolean requiresOwnPrivateEnd;
        private int maxPrivateCopyBytes = -1;

        private Builder() {
        }

        /**
         * Adds operations offered (see {@link EngineCapabilities#ops()}).
         *
         * @param values the op kinds to add
         * @return this builder
         */
        public Builder ops(DmaOpKind... values) {
            ops.addAll(java.util.List.of(values));
            return this;
        }

        /**
         * Adds directions offered.
         *
         * @param values the directions to add
         * @return this builder
         */
        public Builder directions(Direction... values) {
            directions.addAll(java.util.List.of(values));
            return this;
        }

        /**
         * Adds kinds of location the engine can address.
         *
         * @param values the location kinds to add
         * @return this builder
         */
        public Builder reaches(LocationKind... values) {
            reaches.addAll(java.util.List.of(values));
            return this;
        }

        /**
         * Sets what bus space 0 means (default IOVA).
         *
         * @param value the addressing mode
         * @return this builder
         */
        public Builder addressing(AddressingMode value) {
            addressing = value;
            return this;
        }

        /**
         * Sets software or hardware (default hardware).
         *
         * @param value software or hardware
         * @return this builder
         */
        public Builder execution(ExecutionKind value) {
            execution = value;
            return this;
        }

        /**
         * Sets the longest single op (default Integer.MAX_VALUE).
         *
         * @param value the length in bytes, positive
         * @return this builder
         */
        public Builder maxTransferBytes(int value) {
            maxTransferBytes = value;
            return this;
        }

        /**
         * Sets the alignment of bus addresses and lengths, a power of two (default 1).
         *
         * @param value the alignment in bytes, a power of two
         * @return this builder
         */
        public Builder alignmentBytes(int value) {
            alignmentBytes = value;
            return this;
        }

        /**
         * Sets the width of the bus addresses the engine can emit (default 64).
         *
         * @param value the mask width in bits, 1..64
         * @return this builder
         */
        public Builder dmaMaskBits(int value) {
            dmaMaskBits = value;
            return this;
        }

        /**
         * Sets the scatter-gather entries per descriptor (default 1: contiguous only).
         *
         * @param value the entries per descriptor, at least 1
         * @return this builder
         */
        public Builder maxSgEntries(int value) {
            maxSgEntries = value;
            return this;
        }

        /**
         * Sets the descriptors per channel ring, a power of two (default 64).
         *
         * @param value the ring size, a power of two
         * @return this builder
         */
        public Builder ringSize(int value) {
            ringSize = value;
            return this;
        }

        /**
         * Sets the number of independent channels (default 1).
         *
         * @param value the number of channels, 1..{@value EngineCapabilities#MAX_CHANNELS}
         * @return this builder
         */
        public Builder channelCount(int value) {
            channelCount = value;
            return this;
        }

        /**
         * Sets whether channels offer a {@link CompletionInterrupt} (default false).
         *
         * @param value true if channels have interrupts
         * @return this builder
         */
        public Builder interrupts(boolean value) {
            interrupts = value;
            return this;
        }

        /**
         * Sets whether ops of a channel complete in ticket order (default false).
         *
         * @param value true if completions come in ticket order
         * @return this builder
         */
        public Builder inOrderCompletion(boolean value) {
            inOrderCompletion = value;
            return this;
        }

        /**
         * Every op must have at least one end in this engine's own private space: an engine that
         * moves data only in and out of its device memory (edu's buffer) still reaches host memory
         * and windows, but cannot copy between two of them.
         *
         * @param value true if every op needs an end in the engine's own private space
         * @return this builder
         */
        public Builder requiresOwnPrivateEnd(boolean value) {
            requiresOwnPrivateEnd = value;
            return this;
        }

        /**
         * The longest copy between this engine's own private spaces; 0 when it cannot do them.
         * Unset, it is {@link #maxTransferBytes}.
         *
         * @param value the length in bytes, 0 when such copies are impossible
         * @return this builder
         */
        public Builder maxPrivateCopyBytes(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("maxPrivateCopyBytes " + value + " must not be negative");
            }
            maxPrivateCopyBytes = value;
            return this;
        }

        /**
         * Builds the capabilities, checked as the record's constructor checks them.
         *
         * @return the capabilities
         */
        public EngineCapabilities build() {
            return new EngineCapabilities(ops, directions, reaches, addressing, execution, maxTransferBytes,
                alignmentBytes, dmaMaskBits, maxSgEntries, ringSize, channelCount, interrupts, inOrderCompletion,
                requiresOwnPrivateEnd, maxPrivateCopyBytes < 0 ? maxTransferBytes : maxPrivateCopyBytes);
        }
    }
}
