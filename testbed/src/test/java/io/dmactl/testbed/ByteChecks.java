package io.dmactl.testbed;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test patterns and byte-for-byte checks over any segment: host memory, a BAR, a mapped file. */
public final class ByteChecks {
    private ByteChecks() {
    }

    /**
     * A pattern that differs per seed and per position and has no zero bytes, so a missed, dropped
     * or misplaced byte shows against zeroed memory and against another seed's pattern.
     */
    public static byte[] pattern(int lengthBytes, int seed) {
        byte[] bytes = new byte[lengthBytes];
        int x = seed * 0x9e3779b9 + 1;
        for (int i = 0; i < lengthBytes; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            int b = x & 0xff;
            bytes[i] = (byte) (b == 0 ? 0x5a : b);
        }
        return bytes;
    }

    public static void write(MemorySegment segment, long offset, byte[] bytes) {
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, offset, bytes.length);
    }

    public static byte[] read(MemorySegment segment, long offset, int lengthBytes) {
        return segment.asSlice(offset, lengthBytes).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Byte for byte, naming the first byte that differs. */
    public static void assertBytes(byte[] expected, MemorySegment segment, long offset, String what) {
        byte[] actual = read(segment, offset, expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                assertEquals(expected[i], actual[i], what + ": byte " + i + " of " + expected.length + " (at offset "
                    + (offset + i) + ") differs");
            }
        }
    }

    /** Every byte of {@code [offset, offset + lengthBytes)} is {@code value}: nothing was written there. */
    public static void assertFilled(MemorySegment segment, long offset, long lengthBytes, byte value, String what) {
        for (long i = 0; i < lengthBytes; i++) {
            byte b = segment.get(ValueLayout.JAVA_BYTE, offset + i);
            if (b != value) {
                assertEquals(value, b, what + ": byte at offset " + (offset + i) + " was changed");
            }
        }
    }
}
