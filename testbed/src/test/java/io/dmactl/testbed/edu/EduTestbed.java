package io.dmactl.testbed.edu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** What the edu testbed tests share: the devices testbed-run attached, patterns, byte checks. */
final class EduTestbed {
    /** ivshmem-plain's shared memory BAR (host file backed). */
    static final int IVSHMEM_BAR = 2;
    /** The edu device buffer as the provider declares it (QEMU 7.2: the last byte is never DMA'd). */
    static final int EDU_BUFFER_BYTES = 4095;
    /** edu emits 28-bit DMA addresses. */
    static final long EDU_DMA_LIMIT = 1L << 28;
    static final long DMA_WAIT_SECONDS = 20;

    private EduTestbed() {
    }

    static String eduPci() {
        return requiredEnvironment("DMACTL_TESTBED_EDU_PCI");
    }

    static int eduGroup() {
        return Integer.parseInt(requiredEnvironment("DMACTL_TESTBED_EDU_GROUP"));
    }

    static String ivshmemPci() {
        return requiredEnvironment("DMACTL_TESTBED_IVSHMEM_PCI");
    }

    static String eduEngine() {
        return "edu@" + eduPci();
    }

    static Path handoffDirectory() {
        String value = System.getProperty("dmactl.testbed.handoffDir");
        assertNotNull(value, "system property dmactl.testbed.handoffDir is not set: the testbed Maven execution sets it");
        return Path.of(value);
    }

    private static String requiredEnvironment(String name) {
        String value = System.getenv(name);
        assertNotNull(value, "environment variable " + name + " is not set: run this test through testbed-run");
        return value;
    }

    /** A pattern that differs per seed and per position and has no zero bytes, so a missed byte shows. */
    static byte[] pattern(int lengthBytes, int seed) {
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

    static void write(MemorySegment segment, long offset, byte[] bytes) {
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, offset, bytes.length);
    }

    static byte[] read(MemorySegment segment, long offset, int lengthBytes) {
        return segment.asSlice(offset, lengthBytes).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Byte for byte, naming the first byte that differs. */
    static void assertBytes(byte[] expected, MemorySegment segment, long offset, String what) {
        byte[] actual = read(segment, offset, expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                assertEquals(expected[i], actual[i], what + ": byte " + i + " of " + expected.length + " (at offset "
                    + (offset + i) + ") differs");
            }
        }
    }

    /** Every byte of {@code [offset, offset + lengthBytes)} is {@code value}. */
    static void assertFilled(MemorySegment segment, long offset, long lengthBytes, byte value, String what) {
        for (long i = 0; i < lengthBytes; i++) {
            byte b = segment.get(ValueLayout.JAVA_BYTE, offset + i);
            if (b != value) {
                assertEquals(value, b, what + ": byte at offset " + (offset + i) + " was changed");
            }
        }
    }
}
