package io.dmactl.cli.selftest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which lengths and offsets {@code selftest} tries, like Linux's dmatest: odd lengths and
 * offsets that straddle words and pages as well as round ones. A software engine gets the whole
 * matrix; a device engine a handful of cases per route, since a device such as QEMU's edu takes
 * about 100 ms per op. Every length and offset is rounded up to the engine's unit (alignment or
 * the private space's granularity) and kept within the room there is.
 */
public final class CaseMatrix {

    /** Largest length in the full matrix; host buffers are sized for it. */
    public static final long MAX_LENGTH_BYTES = 1L << 20;
    /** Largest offset in the matrix. */
    public static final long MAX_OFFSET_BYTES = 4093;

    private static final long[] FULL_LENGTHS = {1, 3, 8, 64, 511, 4095, 4096, 65_549, MAX_LENGTH_BYTES};
    private static final long[][] FULL_OFFSETS = {{0, 0}, {1, 7}, {MAX_OFFSET_BYTES, 64}};
    private static final long[][] QUICK = {{4000, 0, 0}, {61, 5, 3}};

    private CaseMatrix() {
    }

    /**
     * @param quick      a handful of cases instead of the full matrix
     * @param unitBytes  lengths and offsets become multiples of it (a power of two)
     * @param maxLength  the longest single op the engine takes
     * @param roomBytes  the most bytes past offset 0 at either end (offset + length must fit)
     */
    public static List<SelftestCase> cases(boolean quick, long unitBytes, long maxLength, long roomBytes) {
        if (unitBytes <= 0 || Long.bitCount(unitBytes) != 1) {
            throw new IllegalArgumentException("unit " + unitBytes + " bytes is not a power of two");
        }
        Set<SelftestCase> cases = new LinkedHashSet<>();
        long seed = 1;
        if (quick) {
            for (long[] shape : QUICK) {
                add(cases, shape[0], shape[1], shape[2], unitBytes, maxLength, roomBytes, seed++);
            }
        } else {
            for (long length : FULL_LENGTHS) {
                for (long[] offsets : FULL_OFFSETS) {
                    add(cases, length, offsets[0], offsets[1], unitBytes, maxLength, roomBytes, seed++);
                }
            }
        }
        if (cases.isEmpty()) {
            // Still test something: the smallest op the engine takes, if there is room for it.
            add(cases, unitBytes, 0, 0, unitBytes, maxLength, roomBytes, seed);
        }
        return new ArrayList<>(cases);
    }

    private static void add(Set<SelftestCase> cases, long length, long sourceOffset, long destinationOffset,
                            long unit, long maxLength, long room, long seed) {
        long roundedLength = roundUp(length, unit);
        long roundedSource = roundUp(sourceOffset, unit);
        long roundedDestination = roundUp(destinationOffset, unit);
        if (roundedLength > maxLength) {
            roundedLength = maxLength / unit * unit;
        }
        if (roundedLength <= 0 || roundedLength + Math.max(roundedSource, roundedDestination) > room) {
            return;
        }
        for (SelftestCase existing : cases) {
            if (existing.lengthBytes() == roundedLength && existing.sourceOffset() == roundedSource
                    && existing.destinationOffset() == roundedDestination) {
                return;
            }
        }
        cases.add(new SelftestCase(roundedLength, roundedSource, roundedDestination, seed * 0x9E3779B97F4A7C15L));
    }

    private static long roundUp(long value, long unit) {
        return (value + unit - 1) / unit * unit;
    }
}
