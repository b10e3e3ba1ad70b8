package io.dmactl.cli.trial;

import java.util.List;

/**
 * What {@code dmactl try} runs in the testbed guest, where edu (0000:00:02.0), ivshmem
 * (0000:00:03.0, BAR2 = shared memory), nvme (0000:00:04.0) and an LSI53C895A (0000:00:05.0) are
 * bound to vfio-pci: list and info, a copy in every direction (peer to peer included), each
 * verified, then selftest and a short bench; then the same host-to-host copy on cpu and on the
 * engine the dispatcher picks (the LSI SCRIPTS engine), with its reasons, and a bench of both. One JVM in one guest boot runs them all ({@code try --in-guest}); markers around
 * each step let the host tell the steps' output and exit status apart.
 */
public final class TryPlan {

    static final String EDU = "0000:00:02.0";
    static final String IVSHMEM_BAR2 = "0000:00:03.0/bar2";
    static final String LSI = "0000:00:05.0";
    static final String MARKER = "@@dmactl-try:";

    private TryPlan() {
    }

    public static List<TryStep> steps() {
        return List.of(
                new TryStep("list: devices and engines", List.of("list"), true),
                new TryStep("info: the edu device", List.of("info", EDU), true),
                new TryStep("copy host -> edu buffer", List.of("copy", "mem:4000", EDU + "/dev", "--verify"), true),
                new TryStep("copy edu buffer -> host", List.of("copy", EDU + "/dev", "mem", "--size", "4000", "--verify"), true),
                new TryStep("copy edu buffer -> ivshmem BAR2 (peer to peer)",
                        List.of("copy", EDU + "/dev", IVSHMEM_BAR2, "--size", "4000", "--verify"), true),
                new TryStep("copy ivshmem BAR2 -> edu buffer (peer to peer)",
                        List.of("copy", IVSHMEM_BAR2 + "+0x1000", EDU + "/dev", "--size", "4000", "--verify"), true),
                new TryStep("copy host -> ivshmem BAR2", List.of("copy", "mem:1M", IVSHMEM_BAR2, "--verify"), true),
                new TryStep("selftest: every engine, every direction", List.of("selftest", "--window", IVSHMEM_BAR2), true),
                new TryStep("bench: cpu and edu, short", List.of("bench", "--provider", "cpu,edu", "--duration", "500ms"), true),
                new TryStep("info: the LSI53C895A, whose SCRIPTS processor copies", List.of("info", LSI), true),
                // The same host-to-host copy twice: on cpu by request, then where the dispatcher's
                // cost model sends it (the SCRIPTS engine above the cpu threshold), each with the
                // dispatcher's view of every engine and its reason (--verbose).
                new TryStep("copy host -> host 64 KiB on cpu (--provider cpu)",
                        List.of("copy", "mem:64K", "mem", "--provider", "cpu", "--verify", "--verbose"), true),
                new TryStep("copy host -> host 64 KiB, engine chosen by the dispatcher (the SCRIPTS engine)",
                        List.of("copy", "mem:64K", "mem", "--device", LSI, "--verify", "--verbose"), true),
                new TryStep("bench: cpu and the LSI SCRIPTS engine, host -> host, short",
                        List.of("bench", "--provider", "cpu,lsi", "--sizes", "256,4K,64K", "--duration", "500ms"), true));
    }

    /**
     * The guest's command: the launcher running every step in one JVM ({@code try --in-guest}),
     * since under emulation each JVM start costs tens of seconds.
     */
    public static List<String> guestCommand(SourceTree tree, boolean json) {
        List<String> command = new java.util.ArrayList<>(List.of(tree.launcher().toString(), "try", "--in-guest"));
        if (json) {
            command.add("--json");
        }
        return command;
    }

    public static String beginMarker(int step) {
        return MARKER + "begin:" + step;
    }

    public static String endMarker(int step, int exitCode) {
        return MARKER + "end:" + step + ":" + exitCode;
    }
}
