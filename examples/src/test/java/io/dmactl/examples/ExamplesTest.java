package io.dmactl.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

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
}
