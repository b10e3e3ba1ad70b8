package io.dmactl.core.spi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The result-value ops as a software engine executes them (the cpu engine, the core's simulated
 * device), over ranges of one segment addressed by offset: the reference every hardware engine is
 * checked against. Allocation-free; stateless and thread-safe.
 */
public final class SoftwareOps {
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** CRC-32C (Castagnoli) polynomial, bit-reflected. */
    private static final int CASTAGNOLI_REFLECTED = 0x82F63B78;
    /** Slicing-by-8 tables: table t at [t * 256, t * 256 + 256); table 0 is the classic byte table. */
    private static final int[] CRC_TABLES = crcTables();

    private SoftwareOps() {
    }

    /**
     * CRC-32C of {@code lengthBytes} at {@code memory + offset}, continuing from {@code seed}, the
     * CRC-32C of the data before it (0 to start afresh): seed 0 gives what {@link java.util.zip.CRC32C}
     * gives for the range. See {@link DmaOpKind#CRC32C}.
     *
     * @param memory the memory read
     * @param offset the byte offset in {@code memory} where the range starts
     * @param lengthBytes the range's length in bytes
     * @param seed the CRC-32C of the data before the range, 0 to start afresh
     * @return the CRC as an unsigned value, 0..2^32-1
     */
    public static long crc32c(MemorySegment memory, long offset, long lengthBytes, int seed) {
        int[] t = CRC_TABLES;
        int crc = ~seed;
        long at = offset;
        long end = offset + lengthBytes;
        for (; end - at >= Long.BYTES; at += Long.BYTES) {
            long v = memory.get(LE_LONG, at);
            int lo = (int) v ^ crc;
            int hi = (int) (v >>> 32);
            crc = t[7 * 256 + (lo & 0xff)] ^ t[6 * 256 + ((lo >>> 8) & 0xff)] ^ t[5 * 256 + ((lo >>> 16) & 0xff)]
                ^ t[4 * 256 + (lo >>> 24)] ^ t[3 * 256 + (hi & 0xff)] ^ t[2 * 256 + ((hi >>> 8) & 0xff)]
                ^ t[256 + ((hi >>> 16) & 0xff)] ^ t[hi >>> 24];
        }
        for (; at < end; at++) {
            crc = (crc >>> 8) ^ t[(crc ^ memory.get(ValueLayout.JAVA_BYTE, at)) & 0xff];
        }
        return Integer.toUnsignedLong(~crc);
    }

    /**
     * Compares {@code lengthBytes} at {@code memory + aOffset} with as many at {@code memory + bOffset}.
     *
     * @param memory the memory read
     * @param aOffset the byte offset of the first range
     * @param bOffset the byte offset of the second range
     * @param lengthBytes the range's length in bytes
     * @return {@link DmaOpKind#COMPARE_EQUAL}, or the offset from the ranges' start of the first byte that differs
     */
    public static long compare(MemorySegment memory, long aOffset, long bOffset, long lengthBytes) {
        return MemorySegment.mismatch(memory, aOffset, aOffset + lengthBytes, memory, bOffset, bOffset + lengthBytes);
    }

    /**
     * Compares {@code lengthBytes} at {@code memory + offset} with {@code pattern} repeated (byte i
     * against byte (i mod 8) of the little-endian pattern).
     *
     * @param memory the memory read
     * @param offset the byte offset in {@code memory} where the range starts
     * @param lengthBytes the range's length in bytes
     * @param pattern the 8-byte pattern, little-endian
     * @return {@link DmaOpKind#COMPARE_EQUAL}, or the offset from the range's start of the first byte that differs
     */
    public static long comparePattern(MemorySegment memory, long offset, long lengthBytes, long pattern) {
        long i = 0;
        for (; lengthBytes - i >= Long.BYTES; i += Long.BYTES) {
            long diff = memory.get(LE_LONG, offset + i) ^ pattern;
            if (diff != 0) {
                return i + Long.numberOfTrailingZeros(diff) / Byte.SIZE; // little-endian: the lowest differing byte comes first
            }
        }
        for (; i < lengthBytes; i++) {
            if (memory.get(ValueLayout.JAVA_BYTE, offset + i) != (byte) (pattern >>> (Byte.SIZE * (i & 7)))) {
                return i;
            }
        }
        return DmaOpKind.COMPARE_EQUAL;
    }

    private static int[] crcTables() {
        int[] t = new int[8 * 256];
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ CASTAGNOLI_REFLECTED : c >>> 1;
            }
            t[i] = c;
        }
        for (int table = 1; table < 8; table++) {
            for (int i = 0; i < 256; i++) {
                int previous = t[(table - 1) * 256 + i];
                t[table * 256 + i] = (previous >>> 8) ^ t[previous & 0xff];
            }
        }
        return t;
    }
}
