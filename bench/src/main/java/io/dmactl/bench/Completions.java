package io.dmactl.bench;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;

/**
 * The submitting thread's harvest loop shared by the benchmarks: poll until a number of
 * completions arrived, folding every status into one word so that a failed op cannot hide behind
 * a fast figure. Allocation-free.
 *
 * <p>It busy-polls, then yields: on this 2-core machine shared with compilers and a QEMU guest the
 * engine's executor often has to share a core with the submitting thread, and a thread that only
 * spins would then hold that core until the scheduler takes it away, on every op (measured: about
 * 36 us per op with both threads pinned to one core and 1024 spins before yielding, 9.5 us with
 * 64). 64 empty polls are about 3.5 us here ({@code Thread.onSpinWait} is ~50 ns on this CPU),
 * well above a cross-core round trip (~0.1-0.5 us), so with a core each nothing yields.
 */
final class Completions {
    /** Empty polls spent spinning before each further empty poll yields the core. */
    static final int SPIN_POLLS = 1 << 6;
    /** Empty polls between two clock reads: the deadline check stays off the per-poll path. */
    private static final int POLLS_PER_CLOCK_READ = 1 << 16;
    private static final long DEADLINE_NANOS = 10_000_000_000L;

    private Completions() {
    }

    /**
     * Polls {@code channel} until {@code expected} completions were harvested.
     *
     * @return the OR of (1 << status) over the harvested ops: {@code 1 << OpStatus.SUCCESS} when all succeeded
     * @throws IllegalStateException if they do not arrive within 10 s (a stuck engine must not hang the run)
     */
    static int await(DmaChannel channel, CompletionBatch batch, int expected) {
        int got = 0;
        int statusBits = 0;
        int emptyPolls = 0;
        long deadline = 0;
        while (got < expected) {
            int n = channel.poll(batch);
            if (n == 0) {
                if (++emptyPolls % POLLS_PER_CLOCK_READ == 0) {
                    deadline = checkDeadline(deadline, got, expected);
                }
                backOff(emptyPolls);
                continue;
            }
            statusBits |= fold(batch, n);
            got += n;
        }
        return statusBits;
    }

    /** Spin for the first {@link #SPIN_POLLS} empty polls in a row, then yield on each. */
    static void backOff(int emptyPolls) {
        if (emptyPolls < SPIN_POLLS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /** OR of (1 << status) over the first {@code n} entries of {@code batch}. */
    static int fold(CompletionBatch batch, int n) {
        int statusBits = 0;
        for (int i = 0; i < n; i++) {
            statusBits |= 1 << batch.status(i);
        }
        return statusBits;
    }

    /** Throws unless every op folded into {@code statusBits} succeeded. */
    static void requireAllSucceeded(int statusBits, String what) {
        if ((statusBits & ~(1 << OpStatus.SUCCESS)) != 0) {
            StringBuilder seen = new StringBuilder();
            for (int s = 0; s < Integer.SIZE; s++) {
                if ((statusBits & (1 << s)) != 0) {
                    seen.append(seen.isEmpty() ? "" : ", ").append(OpStatus.name(s));
                }
            }
            throw new IllegalStateException(what + ": ops completed with statuses " + seen + ", not only SUCCESS");
        }
    }

    private static long checkDeadline(long deadline, int got, int expected) {
        long now = System.nanoTime();
        if (deadline == 0) {
            return now + DEADLINE_NANOS;
        }
        if (now - deadline > 0) {
            throw new IllegalStateException("only " + got + " of " + expected + " completions arrived within "
                + DEADLINE_NANOS / 1_000_000 + " ms");
        }
        return deadline;
    }
}
