package io.dmactl.core.spi;

/**
 * Operations an engine can perform. An engine declares the ones it offers in
 * {@link EngineCapabilities#ops()}; the dispatcher sends it no other, and every switch over this
 * enum in the core is exhaustive (a new op fails to compile there rather than turning into another).
 *
 * <p>Which ops the core may split into chunks ({@link #splittable()}): those whose outcome is only
 * the bytes they write. An op whose outcome is one value (a CRC, a compare result) is never split:
 * the dispatcher refuses it when it is longer than the engine's maxTransferBytes, naming the limit.
 * (Chaining a CRC seed across chunks would need the chunks fenced and the seed of each taken from
 * the previous completion, a round trip per chunk; a client can do that itself with the seed.)
 */
public enum DmaOpKind {
    /** Move bytes from a source address to a destination address. Result value 0. */
    COPY,
    /** Write an 8-byte pattern repeatedly over a destination range. Result value 0. */
    FILL,
    /**
     * Compare two ranges of equal length, writing nothing. Result value {@link #COMPARE_EQUAL} when
     * they are equal, else the offset (from the start of the ranges) of the first byte that differs.
     */
    COMPARE,
    /**
     * Compare a range against an 8-byte pattern repeated (byte i against byte (i mod 8) of the
     * little-endian pattern, as {@link #FILL} writes it), writing nothing. Result value as {@link #COMPARE}.
     */
    COMPARE_PATTERN,
    /**
     * CRC-32C (Castagnoli, reflected, the value {@link java.util.zip.CRC32C} computes) of a range,
     * writing nothing. The seed is the CRC-32C of the data that precedes the range, so seed 0
     * gives exactly {@code java.util.zip.CRC32C} over the range, and the CRC of A followed by B is
     * the CRC of B with the CRC of A as seed. (Internally: the register starts at {@code ~seed} and
     * the result is the register inverted, as zlib's {@code crc32(crc, buf, len)} does.) Result
     * value: the CRC, 0..2^32-1.
     */
    CRC32C,
    /** Copy one source to two destinations of the same length. Result value 0. */
    DUALCAST;

    /** The result value of a compare whose ranges are equal (a difference is an offset, never negative). */
    public static final long COMPARE_EQUAL = -1L;

    /**
     * Whether the core may split a long op of this kind into several (see the class comment).
     *
     * @return true if the core may split it
     */
    public boolean splittable() {
        return switch (this) {
            case COPY, FILL, DUALCAST -> true;
            case COMPARE, COMPARE_PATTERN, CRC32C -> false;
        };
    }

    /**
     * Whether the op writes its destination range (compare and CRC only read).
     *
     * @return true if it writes
     */
    public boolean writesDestination() {
        return switch (this) {
            case COPY, FILL, DUALCAST -> true;
            case COMPARE, COMPARE_PATTERN, CRC32C -> false;
        };
    }

    /**
     * Whether the op reads a source range besides its destination range.
     *
     * @return true if it reads a source range
     */
    public boolean hasSource() {
        return switch (this) {
            case COPY, COMPARE, DUALCAST -> true;
            case FILL, COMPARE_PATTERN, CRC32C -> false;
        };
    }
}
