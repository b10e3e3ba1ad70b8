package io.dmactl.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs on the host after the guest has powered off (tag "testbed-after"): the marker that
 * {@link GuestEnvironmentTest} wrote into the ivshmem BAR must be in the host's backing file.
 * This is the path later peer-to-peer tests use to check DMA results from outside the guest.
 */
@Tag("testbed-after")
final class IvshmemBackingFileAfterGuestTest {

    static final String HANDOFF_FILE = "ivshmem-marker.properties";

    @Test
    void hostBackingFileHoldsTheMarkerTheGuestWrote() throws IOException {
        Path handoffFile = TestbedEnvironment.handoffDirectory().resolve(HANDOFF_FILE);
        Path backingFile = TestbedEnvironment.ivshmemBackingFile();
        assertTrue(Files.isRegularFile(handoffFile), handoffFile
                + " is missing: GuestEnvironmentTest.ivshmemMarkerIsWrittenForTheHostToFind did not run or failed in the guest");
        Properties handoff = new Properties();
        try (Reader in = Files.newBufferedReader(handoffFile)) {
            handoff.load(in);
        }
        long offset = Long.parseLong(handoff.getProperty("offset"));
        String marker = handoff.getProperty("marker");

        ByteBuffer found = ByteBuffer.allocate(marker.length());
        try (FileChannel channel = FileChannel.open(backingFile)) {
            while (found.hasRemaining() && channel.read(found, offset + found.position()) > 0) {
                // read until the marker's length or the end of the file
            }
        }
        assertEquals(marker, new String(found.array(), 0, found.position(), StandardCharsets.US_ASCII),
                "bytes at offset " + offset + " of the ivshmem backing file " + backingFile);
    }

}
