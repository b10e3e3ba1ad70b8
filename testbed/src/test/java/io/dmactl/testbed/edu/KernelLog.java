package io.dmactl.testbed.edu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** The guest kernel's log, read with dmesg (the guest runs its command as root). */
public final class KernelLog {

    private KernelLog() {
    }

    public static List<String> lines() throws IOException, InterruptedException {
        Process dmesg = new ProcessBuilder("dmesg").redirectErrorStream(true).start();
        String out = new String(dmesg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, dmesg.waitFor(), "dmesg failed: " + out);
        return out.lines().toList();
    }

    public static long lineCount() throws IOException, InterruptedException {
        return lines().size();
    }

    /** Waits for a line after the first {@code skipLines} that contains {@code text}; fails naming the last lines. */
    public static String awaitLine(long skipLines, String text, long timeoutNanos) throws IOException, InterruptedException {
        String line = findLine(skipLines, text, timeoutNanos);
        if (line == null) {
            List<String> lines = lines();
            fail("the kernel logged no line with '" + text + "' within " + timeoutNanos / 1_000_000 + " ms; its last lines:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
        return line;
    }

    /** As {@link #awaitLine}, but null when no such line came within the time (the caller decides). */
    public static String findLine(long skipLines, String text, long timeoutNanos) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        do {
            List<String> lines = lines();
            for (int i = (int) Math.min(skipLines, lines.size()); i < lines.size(); i++) {
                if (lines.get(i).contains(text)) {
                    return lines.get(i);
                }
            }
            TimeUnit.MILLISECONDS.sleep(100);
        } while (System.nanoTime() - deadline < 0);
        return null;
    }
}
