package io.dmactl.testbed.lsi;

import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the host, after the guest powered off (tag "testbed-after"): the bytes the LSI chip's Memory
 * Move wrote into ivshmem's BAR2 ({@link LsiRuntimeTest#hostToIvshmemAndBack}) are in ivshmem's
 * backing file, at the offset the guest noted.
 */
@Tag("testbed-after")
class LsiPeerToPeerAfterGuestTest {

    @Test
    void ivshmemBackingFileHoldsWhatTheScriptsEngineWroteIntoTheBar() throws IOException {
        Path handoff = TestbedEnvironment.handoffDirectory();
        Path notesFile = handoff.resolve(LsiRuntimeTest.P2P_HANDOFF);
        assertTrue(Files.isRegularFile(notesFile), notesFile
            + " is missing: LsiRuntimeTest.hostToIvshmemAndBack did not run or failed in the guest");
        Properties notes = new Properties();
        try (Reader in = Files.newBufferedReader(notesFile)) {
            notes.load(in);
        }
        long offset = Long.parseLong(notes.getProperty("offset"));
        byte[] expected = Files.readAllBytes(handoff.resolve(LsiRuntimeTest.P2P_EXPECTED));
        assertEquals(Integer.parseInt(notes.getProperty("length")), expected.length);
        Path backingFile = TestbedEnvironment.ivshmemBackingFile();
        ByteBuffer found = ByteBuffer.allocate(expected.length);
        try (FileChannel file = FileChannel.open(backingFile)) {
            while (found.hasRemaining() && file.read(found, offset + found.position()) > 0) {
                // until the expected length or the end of the file
            }
        }
        assertEquals(expected.length, found.position(), "the backing file " + backingFile + " ends early");
        assertArrayEquals(expected, found.array(), "bytes at offset " + offset + " of " + backingFile
            + " (lsi Memory Move to ivshmem BAR2 at IOVA " + notes.getProperty("windowIova") + ")");
    }
}
