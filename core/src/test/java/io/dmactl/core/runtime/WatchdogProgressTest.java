package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #10 defect 2: the op timeout measures lack of progress, not time in the queue. A slow but
 * healthy device with far more work than it finishes within the timeout never has work timed out;
 * a device that stops completing is still reset within about the timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchdogProgressTest {
    private static final Duration OP_TIMEOUT = Duration.ofMillis(500);
    private static final long OP_DELAY_NANOS = 10_000_000L;
    private static final int OP_BYTES = 512;

    /**
     * 150 ops × 10 ms = 1.5 s of work, all handed over at once (a ring of 128: an op waits up to
     * 1.3 s in it), against a 500 ms op timeout.
     */
    @Test
    void aBusyHealthyEngineNeverHasQueuedWorkTimedOut() {
        for (boolean reorder : new boolean[] {false, true}) {
            SimControl control = new SimControl();
            control.reorder = reorder;
            control.delayNanosPerOp = OP_DELAY_NANOS;
            SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1).withRingSize(128), control);
            int ops = 150;
            try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).opTimeout(OP_TIMEOUT).build();
                 DmaBuffer src = dma.allocate(ops * OP_BYTES);
                 DmaBuffer dst = dma.allocate(ops * OP_BYTES)) {
                byte[] data = randomBytes(ops * OP_BYTES, 5);
                write(src, 0, data);
                List<CompletableFuture<TransferResult>> copies = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 0; i < ops; i++) {
                    copies.add(dma.copy(src, (long) i * OP_BYTES, dst, (long) i * OP_BYTES, OP_BYTES));
                }
                for (int i = 0; i < ops; i++) {
                    assertEquals(TransferStatus.SUCCESS, copies.get(i).join().status(),
                        "op " + i + " (reorder " + reorder + "): " + copies.get(i).join());
                }
                long tookNanos = System.nanoTime() - start;
                assertTrue(tookNanos > 2 * OP_TIMEOUT.toNanos(), "the work really outlasted the op timeout: " + tookNanos);
                assertEquals(0, control.resets(), "a busy engine is not reset");
                assertEquals(0, dma.engines().getFirst().resets());
                assertArrayEquals(data, read(dst, 0, ops * OP_BYTES), "every byte arrived");
            }
        }
    }

    /** The device completes 10 slow ops, then hangs with 20 more in its ring: reset about one op timeout later. */
    @Test
    void aHungEngineIsStillResetWithinAboutTheTimeout() {
        SimControl control = new SimControl();
        control.reorder = false;
        control.delayNanosPerOp = OP_DELAY_NANOS;
        SimProvider sim = new SimProvider(SimConfig.defaults().withChannels(1).withRingSize(64), control);
        int ops = 30;
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).opTimeout(OP_TIMEOUT).build();
             DmaBuffer src = dma.allocate(ops * OP_BYTES);
             DmaBuffer dst = dma.allocate(ops * OP_BYTES)) {
            byte[] data = randomBytes(ops * OP_BYTES, 6);
            write(src, 0, data);
            List<CompletableFuture<TransferResult>> copies = new ArrayList<>();
            for (int i = 0; i < ops; i++) {
                copies.add(dma.copy(src, (long) i * OP_BYTES, dst, (long) i * OP_BYTES, OP_BYTES));
            }
            assertTrue(SimControl.await(() -> control.executed() >= 10, 10_000), "the device never got going");
            control.hangNext();
            assertTrue(SimControl.await(control::isHung, 10_000), "the device never hung");
            long hungAt = System.nanoTime();
            assertTrue(SimControl.await(() -> control.resets() == 1, 10_000), "the hung engine was never reset");
            long detectedNanos = System.nanoTime() - hungAt;
            assertTrue(detectedNanos < OP_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(1),
                "reset " + detectedNanos / 1_000_000 + " ms after the device hung; op timeout " + OP_TIMEOUT);

            int success = 0;
            int timeout = 0;
            int aborted = 0;
            for (int i = 0; i < ops; i++) {
                TransferStatus status = copies.get(i).join().status();
                switch (status) {
                    case SUCCESS -> {
                        assertEquals(timeout + aborted, 0, "op " + i + " succeeded after an op that did not");
                        success++;
                        assertArrayEquals(read(src, (long) i * OP_BYTES, OP_BYTES), read(dst, (long) i * OP_BYTES, OP_BYTES));
                    }
                    case TIMEOUT -> {
                        assertEquals(0, timeout + aborted, "op " + i + ": only the op the device hung on times out");
                        timeout++;
                    }
                    case ABORTED -> aborted++;
                    default -> throw new AssertionError("op " + i + " ended " + status);
                }
            }
            assertTrue(success >= 10, "the ops before the hang succeeded: " + success);
            assertEquals(1, timeout, "the op the device hung on timed out");
            assertEquals(ops, success + timeout + aborted);
            assertTrue(dma.engines().getFirst().unavailable().isEmpty(), "the engine serves again");
            control.delayNanosPerOp = 0;
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, dst, 0, OP_BYTES).join().status());
        }
    }
}
