package io.dmactl.testbed.nvme;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** What the nvme testbed tests share: the controller testbed-run attached, patterns, byte checks. */
final class NvmeTestbed {
    static final long WAIT_SECONDS = 60;
    static final int BLOCK_BYTES = 512;

    private NvmeTestbed() {
    }

    static String nvmePci() {
        return requiredEnvironment("DMACTL_TESTBED_NVME_PCI");
    }

    static long namespaceBytes() {
        return Long.parseLong(requiredEnvironment("DMACTL_TESTBED_NVME_BYTES"));
    }

    static String engineName() {
        return "nvme@" + nvmePci();
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

    /** A pattern that differs per seed and position and has no zero bytes, so a dropped write shows. */
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

    /** Byte for byte, naming the first byte that differs. */
    static void assertBytes(byte[] expected, MemorySegment segment, long offset, String what) {
        byte[] actual = segment.asSlice(offset, expected.length).toArray(ValueLayout.JAVA_BYTE);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                assertEquals(expected[i], actual[i], what + ": byte " + i + " of " + expected.length + " (at offset "
                    + (offset + i) + ") differs");
            }
        }
    }

    static void assertFilled(MemorySegment segment, long offset, long lengthBytes, byte value, String what) {
        for (long i = 0; i < lengthBytes; i++) {
            byte b = segment.get(ValueLayout.JAVA_BYTE, offset + i);
            if (b != value) {
                assertEquals(value, b, what + ": byte at offset " + (offset + i) + " was changed");
            }
        }
    }
}
