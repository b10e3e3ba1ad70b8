package io.dmactl.provider.nvme;

/**
 * The engine's out-of-band health check for the core's watchdog: CSTS.CFS, Controller Fatal
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
    private final String fatalMessage;
    /** Set when the engine closes: from then on the registers may be gone and are not read. */
    private volatile boolean stopped;

    FatalStatusProbe(NvmeController controller, String engineName) {
        this.controller = controller;
        this.fatalMessage = engineName + ": controller fatal status (CSTS.CFS = 1); the controller needs a reset";
    }

    /** @return the prepared message when CSTS.CFS is set, else null (also after {@link #stop()}) */
    String poll() {
        if (stopped) {
            return null;
        }
        return controller.fatalStatus() ? fatalMessage : null;
    }

    void stop() {
        stopped = true;
    }
}
