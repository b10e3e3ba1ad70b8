package io.dmactl.testbed.nvme;

import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the host, after the guest powered off (tag "testbed-after"): what the nvme engine wrote into
 * namespace 1 through each SQ placement is in the namespace's raw backing file at the same byte
 * offset, and the block before it is still zero (the file starts zeroed each run).
 */
@Tag("testbed-after")
class NvmeBackingFileAfterGuestTest {

    @ParameterizedTest
    @ValueSource(strings = {"host", "cmb", "host-msix"})
    void backingFileHoldsWhatTheGuestWroteIntoTheNamespace(String placement) throws IOException {
        Path handoff = TestbedEnvironment.handoffDirectory();
        Path notesFile = handoff.resolve(NvmeRuntimeContract.HANDOFF_PREFIX + placement + ".properties");
        assertTrue(Files.isRegularFile(notesFile), notesFile + " is missing: the guest test with nvme.sq=" + placement
            + " did not run or failed");
        Properties notes = new Properties();
        try (Reader in = Files.newBufferedReader(notesFile)) {
            notes.load(in);
        }
        long offset = Long.parseLong(notes.getProperty("offset"));
        byte[] expected = Files.readAllBytes(handoff.resolve(NvmeRuntimeContract.HANDOFF_PREFIX + placement + "-expected.bin"));
        assertEquals(Integer.parseInt(notes.getProperty("length")), expected.length);

        Path backingFile = TestbedEnvironment.nvmeBackingFile();
        byte[] found = read(backingFile, offset, expected.length);
        assertArrayEquals(expected, found, "bytes at offset " + offset + " of " + backingFile + " (nvme.sq=" + placement + ")");
        byte[] before = read(backingFile, offset - NvmeTestbed.BLOCK_BYTES, NvmeTestbed.BLOCK_BYTES);
        assertArrayEquals(new byte[NvmeTestbed.BLOCK_BYTES], before, "the block before the written range was touched");
    }

    private static byte[] read(Path file, long offset, int lengthBytes) throws IOException {
        ByteBuffer found = ByteBuffer.allocate(lengthBytes);
        try (FileChannel channel = FileChannel.open(file)) {
            while (found.hasRemaining() && channel.read(found, offset + found.position()) > 0) {
                // until the expected length or the end of the file
            }
        }
        assertEquals(lengthBytes, found.position(), "the backing file " + file + " ends early");
        return found.array();
    }

}
