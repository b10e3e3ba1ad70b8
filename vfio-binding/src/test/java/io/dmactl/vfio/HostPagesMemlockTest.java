package io.dmactl.vfio;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mlock beyond RLIMIT_MEMLOCK must fail with a message that says which limit and how to raise it.
 * Runs HostPages in a child JVM under util-linux's prlimit (64 KiB limit) and, where this process
 * holds CAP_IPC_LOCK (which lifts the limit), setpriv to drop it.
 */
class HostPagesMemlockTest {
    private static final long LIMIT_BYTES = 64 * 1024;

    @Test
    void lockingBeyondTheLimitNamesTheLimitAndTheRemedy() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classPath = codeSource(MemlockLimitChild.class) + ":" + codeSource(HostPages.class);
        List<String> command = new ArrayList<>();
        if (hasIpcLock()) {
            // Dropping the capability needs CAP_SETPCAP, which a process holding CAP_IPC_LOCK has as root.
            command.addAll(List.of("setpriv", "--bounding-set=-ipc_lock"));
        }
        command.addAll(List.of("prlimit", "--memlock=" + LIMIT_BYTES + ":" + LIMIT_BYTES,
                java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                MemlockLimitChild.class.getName(), Long.toString(16 * LIMIT_BYTES)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, child.exitValue(), String.join(" ", command) + " failed:\n" + output);

        assertTrue(output.contains("errno=ENOMEM"), output);
        assertTrue(output.contains("message=mlock(1048576 bytes) on host memory (NORMAL pages) failed: ENOMEM (12) "
                + "Cannot allocate memory; RLIMIT_MEMLOCK is 65536 bytes"), output);
        assertTrue(output.contains("ulimit -l") && output.contains("CAP_IPC_LOCK"), output);
    }

    /** CAP_IPC_LOCK (capability 14) in this process's effective set, per /proc/self/status. */
    private static boolean hasIpcLock() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                return (Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16) & (1L << 14)) != 0;
            }
        }
        throw new AssertionError("no CapEff in /proc/self/status");
    }

    private static String codeSource(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
