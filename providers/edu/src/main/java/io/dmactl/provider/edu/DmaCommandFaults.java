package io.dmactl.provider.edu;

/**
 * DMA_COMMAND values edu should never show, as the channel saw them: the record kept off the hot
 * path, and the health signal for the core's watchdog.
 *
 * <p>While a DMA runs, DMA_COMMAND holds exactly the command written; when it is done, that command
 * with START clear (QEMU 7.2 {@code edu_dma_timer} clears only {@code EDU_DMA_RUN}). Any other
 * value (bits never written, a flipped direction or interrupt bit, all ones from a device that no
 * longer answers reads) means the channel cannot tell whether the DMA ran, ran elsewhere, or is
 * still running. It then completes nothing: the running op and those behind it stay outstanding,
 * the channel stops reading and programming the device, and {@link #fatalCondition} asks the
 * watchdog to reset the engine, which waits for START to clear (or retires the engine when it
 * never does) and ends the ops ABORTED with this message. {@link #restart()} (the reset) clears
 * the condition; the count stays.
 *
 * <p>Threads: the channel's owner records (only on the faulty path); the watchdog reads. The
 * values are plain fields written before the volatile flag that publishes them, and not written
 * again until {@link #restart()}, which runs while the owner is paused.
 */
final class DmaCommandFaults {
    private volatile long count;
    private volatile boolean fatal;
    private long seen;
    private long written;
    private String message;

    /** Owner thread: DMA_COMMAND read {@code seen} while the command {@code written} ran. */
    void record(long seen, long written) {
        if (!fatal) {
            this.seen = seen;
            this.written = written;
        }
        count++; // single writer: the owner thread
        fatal = true;
    }

    /** Faulty DMA_COMMAND values seen since the channel was created (survives resets). */
    long count() {
        return count;
    }

    /** Null while healthy (allocating nothing); else why the engine needs a reset, built once per fault. */
    String fatalCondition(String subject) {
        if (!fatal) {
            return null;
        }
        String m = message;
        if (m == null) {
            m = subject + ": DMA_COMMAND reads 0x" + Long.toHexString(seen) + " while the command 0x"
                + Long.toHexString(written) + " runs (done, it reads 0x" + Long.toHexString(written & ~EduRegisters.DMA_CMD_START)
                + "); whether the DMA ran is unknown, the device needs a reset";
            message = m;
        }
        return m;
    }

    /** The engine reset (owner paused): the condition clears, the count stays. */
    void restart() {
        message = null;
        fatal = false;
    }
}
