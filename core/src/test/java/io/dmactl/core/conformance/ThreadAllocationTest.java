package io.dmactl.core.conformance;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocation guard sees an allocating loop and passes a quiet one. */
class ThreadAllocationTest {
    private static final int ROUNDS = 20_000;

    /** Escapes each array, so the JIT cannot scalar-replace it. */
    private Object sink;
    private long sum;

    @Test
    void aLoopThatAllocatesEveryRoundIsSeenInEveryWindow() {
        long allocated = ThreadAllocation.bytesAllocatedBy(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                sink = new byte[8];
            }
        });
        assertTrue(allocated >= 16L * ROUNDS, "an array per round is at least 16 bytes per round, measured " + allocated);
    }

    @Test
    void aLoopThatOnlyComputesAllocatesNothing() {
        long allocated = ThreadAllocation.bytesAllocatedBy(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                sum += i * 31L;
            }
        });
        assertEquals(0, allocated);
    }
}
