package io.dmactl.cli.copy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The bytes {@code copy} puts into a fresh source buffer: a xorshift64 sequence from a seed, so
 * no two 8-byte words of a transfer are alike and a copy to the wrong offset, a short copy or
 * no copy at all cannot pass {@code --verify} by accident (zeroes would).
 */
public final class BytePattern {

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BytePattern() {
    }

    /** Fills all of {@code segment} with the sequence of {@code seed} (any value; 0 is replaced). */
    public static void fill(MemorySegment segment, long seed) {
        long state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        long length = segment.byteSize();
        long offset = 0;
        for (; offset + Long.BYTES <= length; offset += Long.BYTES) {
            state = next(state);
            segment.set(WORD, offset, state);
        }
        state = next(state);
        for (int shift = 0; offset < length; offset++, shift += 8) {
            segment.set(ValueLayout.JAVA_BYTE, offset, (byte) (state >>> shift));
        }
    }

    private static long next(long state) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        return state;
    }
}
