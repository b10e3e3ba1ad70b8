package io.dmactl.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs every example's main() as a user would, so the examples compile and work with every build. */
class ExamplesTest {

    private static String run(Runnable main) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(saved);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        saved.print(printed);
        return printed;
    }

    @Test
    void copyWithFuture() {
        assertTrue(run(() -> CopyWithFuture.main(new String[0])).startsWith("copied 1048576 bytes on "));
    }

    @Test
    void copyWithHandler() {
        assertTrue(run(() -> CopyWithHandler.main(new String[0])).startsWith("10000 copies of 4096 bytes"));
    }

    @Test
    void copyWithStream() {
        String out = run(() -> CopyWithStream.main(new String[0]));
        assertTrue(out.contains("100000 copies of 256 bytes") && out.contains("destination checked"), out);
    }

    @Test
    void fencedBatch() {
        assertTrue(run(() -> FencedBatch.main(new String[0])).contains("C holds A's bytes"));
    }

    @Test
    void minimalProvider() {
        assertEquals("the memcpy engine copied 65536 bytes: SUCCESS\n",
            run(() -> MinimalProvider.main(new String[0])).replace(System.lineSeparator(), "\n"));
    }

    /**
     * On a machine with a hardware engine that copies host to host, a verified copy on it; here
     * (no device bound to vfio-pci) the skip, with its reason and status. The testbed runs it on
     * the LSI engine (testbed's DeviceCopyExampleTest).
     */
    @Test
    void deviceCopyCopiesOnADeviceOrSaysWhyItSkipped() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = DeviceCopy.run(new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        if (status == 0) {
            assertTrue(printed.startsWith("copied 65536 bytes host to host on "), printed);
        } else {
            assertEquals(DeviceCopy.SKIPPED, status, printed);
            assertTrue(printed.startsWith("skipped: no hardware engine here copies memory to memory (engines: [cpu"), printed);
        }
    }

    /** As a user runs it: java ... DeviceCopy, whose exit status tells a skip from a failure. */
    @Test
    void deviceCopyExitsWithItsStatus() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
            System.getProperty("java.class.path"), DeviceCopy.class.getName()))
            .redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), printed);
        System.out.print(printed);
        if (process.exitValue() == 0) {
            assertTrue(printed.contains("copied 65536 bytes host to host on "), printed);
        } else {
            assertEquals(DeviceCopy.SKIPPED, process.exitValue(), printed);
            assertTrue(printed.contains("skipped: no hardware engine here copies memory to memory"), printed);
        }
    }
}
