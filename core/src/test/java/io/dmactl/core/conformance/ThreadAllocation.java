package io.dmactl.core.conformance;

import com.sun.management.ThreadMXBean;

import java.lang.management.ManagementFactory;

/**
 * How many bytes the calling thread allocates while running a piece of fast-path work: the
 * cheap unit-test guard beside JMH's gc profiler.
 */
public final class ThreadAllocation {
    /**
     * Warm-up runs before the measured one. On a loaded two-core machine the JIT may still be
     * compiling after a few thousand rounds, and interpreted VarHandle calls box; one-time
     * allocations of that kind are not the fast path's.
     */
    private static final int WARM_UP_RUNS = 10;

    private ThreadAllocation() {
    }

    /** Runs {@code work} {@value #WARM_UP_RUNS} times, then once more, and returns what that last run allocated. */
    public static long bytesAllocatedBy(Runnable work) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.getCurrentThreadAllocatedBytes(); // a first call may allocate: keep it out of the window
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            work.run();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
