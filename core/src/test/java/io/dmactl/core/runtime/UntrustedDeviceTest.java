package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.ForwardingChannel;
import io.dmactl.core.sim.ForwardingEngine;
import io.dmactl.core.sim.ForwardingProvider;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #10 item 7 (core): what an engine reports is input to validate. A completion for a ticket
 * that is not outstanding, or an enqueue against the ticket contract, is a device error: counted,
 * ignored (never matched to a live op), the engine reset by the watchdog, the worker alive.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UntrustedDeviceTest {
    private static final int RING = 64;

    /** A sim device that completes in order, so which op a forged completion names is predictable. */
    private static SimControl inOrderControl() {
        SimControl control = new SimControl();
        control.reorder = false;
        return control;
    }

    private static DmaRuntime oneChannelRuntime(SimControl control) {
        return builder(new FakeIommuDomain("iommu"), new SimProvider(SimConfig.defaults().withChannels(1).withRingSize(RING),
            control)).build();
    }

    @Test
    void completionsForTicketsNotOutstandingAreIgnoredCountedAndTheEngineIsReset() {
        SimControl control = inOrderControl();
        try (DmaRuntime dma = oneChannelRuntime(control);
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            byte[] data = randomBytes(4096, 3);
            byte[] old = randomBytes(4096, 4);
            write(src, 0, data);
            write(dst, 0, old);
            control.hold = true;
            List<CompletableFuture<TransferResult>> held = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                held.add(dma.copy(src, i * 1024L, dst, i * 1024L, 1024));
            }
            assertTrue(SimControl.await(() -> control.visible() == 4, 10_000), "ops never reached the ring");
            // Ticket 0 is outstanding. RING (same ring slot as ticket 0) and a far one are not: a table
            // indexed by slot would fold the first onto ticket 0's transfer and call it done.
            control.postCompletion(OpStatus.SUCCESS, RING, 1_000_000);

            assertTrue(SimControl.await(() -> control.resets() == 1, 10_000), "the watchdog never reset the lying engine");
            for (CompletableFuture<TransferResult> f : held) {
                TransferResult r = f.join();
                assertEquals(TransferStatus.ABORTED, r.status(), "no held op completed: " + r);
                assertTrue(r.reason().orElse("").contains("device error") && r.reason().get().contains("not outstanding"),
                    "the reason names the device error: " + r);
            }
            assertArrayEquals(old, read(dst, 0, 4096), "nothing was copied: the device never ran the held ops");
            EngineInfo info = dma.engines().getFirst();
            assertEquals(2, info.deviceErrors(), "both unasked completions were counted: " + info);
            assertTrue(info.unavailable().isEmpty(), "the engine serves again: " + info);

            control.hold = false;
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, dst, 0, 4096).join().status(), "the worker is alive");
            assertArrayEquals(data, read(dst, 0, 4096));
            assertEquals(1, control.resets(), "one reset for one episode");
        }
    }

    @Test
    void anEngineThatAcceptsADuplicateTicketIsResetAndTheWorkerLives() {
        AtomicBoolean lie = new AtomicBoolean();
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withName("inner").withChannels(1).withRingSize(RING), control);
        ForwardingProvider duplicating = new ForwardingProvider("dup", sim) {
            @Override
            protected DmaEngine wrap(DmaEngine opened, EngineContext context) {
                return new ForwardingEngine(opened, channel -> new ForwardingChannel(channel) {
                    private long last = -1;

                    @Override
                    public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes,
                                            int flags) {
                        long ticket = inner.enqueueCopy(srcSpace, srcAddress, dstSpace, dstAddress, lengthBytes, flags);
                        if (ticket >= 0 && last >= 0 && lie.compareAndSet(true, false)) {
                            return last; // the same ticket twice
                        }
                        last = ticket;
                        return ticket;
                    }
                });
            }
        };
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu")).provider(duplicating).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            write(src, 0, randomBytes(4096, 8));
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, dst, 0, 1024).join().status());
            control.hold = true;
            CompletableFuture<TransferResult> first = dma.copy(src, 0, dst, 0, 1024);
            assertTrue(SimControl.await(() -> control.visible() == 2, 10_000), "the held op never reached the ring");
            lie.set(true);
            CompletableFuture<TransferResult> duplicate = dma.copy(src, 1024, dst, 1024, 1024);
            assertTrue(SimControl.await(() -> control.resets() == 1, 10_000), "the watchdog never reset the engine");
            for (TransferResult r : Arrays.asList(first.join(), duplicate.join())) {
                assertEquals(TransferStatus.ABORTED, r.status(), r.toString());
                assertTrue(r.reason().orElse("").contains("device error"), "the reason names the device error: " + r);
            }
            EngineInfo info = dma.engines().getFirst();
            assertEquals(1, info.deviceErrors(), info.toString());
            assertTrue(info.unavailable().isEmpty(), "the engine serves again: " + info);
            control.hold = false;
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, dst, 0, 4096).join().status(), "the worker is alive");
            assertArrayEquals(read(src, 0, 4096), read(dst, 0, 4096));
        }
    }

    /** Issue #10 item 7: a device that keeps lying and does no work between its lies is retired, not reset forever. */
    @Test
    void anEngineThatKeepsLyingWithNoOpCompletedBetweenIsRetired() {
        SimControl control = inOrderControl();
        try (DmaRuntime dma = oneChannelRuntime(control);
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            control.hold = true;
            int episodes = 0;
            while (dma.engines().getFirst().unavailable().isEmpty()) {
                assertTrue(episodes <= 10, "still not retired after " + episodes + " lies with no work done");
                long resetsBefore = control.resets();
                long visibleBefore = control.visible();
                CompletableFuture<TransferResult> held = dma.copy(src, 0, dst, 0, 1024);
                assertTrue(SimControl.await(() -> control.visible() > visibleBefore, 10_000), "the op never reached the ring");
                control.postCompletion(OpStatus.SUCCESS, 1_000_000L + episodes);
                episodes++;
                assertTrue(SimControl.await(() -> control.resets() > resetsBefore, 10_000), "no reset after a lie");
                TransferResult r = held.join();
                assertEquals(TransferStatus.ABORTED, r.status(), r.toString());
            }
            String reason = dma.engines().getFirst().unavailable().orElseThrow();
            assertEquals(4, episodes, "three resets, then retired at the fourth lie: " + reason);
            assertTrue(reason.contains("not outstanding") && reason.contains("again after 3 resets"), reason);
        }
    }

    /** The counterpart: lies separated by real work are each answered with a reset, and the engine keeps serving. */
    @Test
    void anEngineThatLiesButWorksBetweenIsResetEachTimeAndKeepsServing() {
        SimControl control = inOrderControl();
        try (DmaRuntime dma = oneChannelRuntime(control);
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            byte[] data = randomBytes(4096, 11);
            write(src, 0, data);
            for (int episode = 0; episode < 6; episode++) {
                control.hold = false;
                assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, dst, 0, 4096).join().status(), "episode " + episode);
                assertArrayEquals(data, read(dst, 0, 4096));
                control.hold = true;
                long resetsBefore = control.resets();
                long visibleBefore = control.visible();
                CompletableFuture<TransferResult> held = dma.copy(src, 0, dst, 0, 1024);
                assertTrue(SimControl.await(() -> control.visible() > visibleBefore, 10_000), "the op never reached the ring");
                control.postCompletion(OpStatus.SUCCESS, 1_000_000L + episode);
                assertTrue(SimControl.await(() -> control.resets() > resetsBefore, 10_000), "no reset after lie " + episode);
                assertEquals(TransferStatus.ABORTED, held.join().status());
                assertTrue(dma.engines().getFirst().unavailable().isEmpty(), "retired although it worked between lies");
            }
        }
    }
}
