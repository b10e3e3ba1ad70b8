package io.dmactl.provider.nvme;

/**
 * The engine's out-of-band health check for the core's watchdog: first each I/O queue pair's
 * {@link CompletionFaults} (a completion entry matching no outstanding command was dropped since
 * the last reset), then CSTS.CFS, Controller Fatal
 * Status (NVMe 1.4, 3.1.6, bit 1 of CSTS at 0x1C), which a controller sets when it hit an error
 * it cannot report through a completion; only a controller reset clears it. When it reads set, the
 * core resets the engine ({@link NvmeEngine#reset()}: CC.EN = 0 clears it on a controller that
 * recovers) and asks again right after; the engine is retired only if it is still set then or the
 * reset fails. One 32-bit register read per call; the message is built once, so a healthy poll
 * allocates nothing.
 *
 * <p>Called from the watchdog thread while channel owners run: it only reads a register.
 */
final class FatalStatusProbe {
    private final NvmeController controller;
    private final String engineName;
    private final CompletionFaults[] queuePairs;
    private final String fatalMessage;
    /** Set when the engine closes: from then on the registers may be gone and are not read. */
    private volatile boolean stopped;

    FatalStatusProbe(NvmeController controller, String engineName, CompletionFaults... queuePairs) {
        this.controller = controller;
        this.engineName = engineName;
        this.queuePairs = queuePairs.clone();
        this.fatalMessage = engineName + ": controller fatal status (CSTS.CFS = 1); the controller needs a reset";
    }

    /**
     * @return a queue pair's fault message, or the prepared message when CSTS.CFS is set, else null
     *         (also after {@link #stop()})
     */
    String poll() {
        if (stopped) {
            return null;
        }
        for (CompletionFaults faults : queuePairs) {
            String fault = faults.fatalCondition(engineName);
            if (fault != null) {
                return fault;
            }
        }
        return controller.fatalStatus() ? fatalMessage : null;
    }

    void stop() {
        stopped = true;
    }
}
