package io.dmactl.core.conformance;

import com.sun.management.ThreadMXBean;

import java.lang.management.ManagementFactory;

/**
 * How many bytes the calling thread allocates while running a piece of fast-path work: the
 * cheap unit-test guard beside JMH's gc profiler.
 *
 * <p>The JIT may still be compiling after a few thousand rounds on a loaded two-core machine, and a
 * deoptimisation can drop a compiled loop back into the interpreter for a few rounds, where
 * VarHandle calls box their arguments. Those one-off allocations belong to the JVM, not to the fast
 * path, and they land in a random window. An allocation that the fast path itself makes lands in
 * every window, so the guard reports the quietest of several windows: one clean window of many
 * thousand rounds is something an allocating path cannot produce.
 */
public final class ThreadAllocation {
    private static final int WARM_UP_RUNS = 10;
    private static final int MEASURED_RUNS = 5;

    private ThreadAllocation() {
    }

    /**
     * Runs {@code work} {@value #WARM_UP_RUNS} times to warm up, then up to {@value #MEASURED_RUNS}
     * more times, and returns the fewest bytes any one measured run allocated (0 ends the search).
     */
    public static long bytesAllocatedBy(Runnable work) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.getCurrentThreadAllocatedBytes(); // a first call may allocate: keep it out of the window
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            work.run();
        }
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < MEASURED_RUNS && fewest > 0; i++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            work.run();
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        return fewest;
    }
}
