package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.ExclusiveChannel;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DmaRuntime#claimChannel}: a client thread drives an engine's channel itself, on the
 * simulated device behind a (fake) IOMMU, while the core keeps addresses, pins and the reset on
 * release.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExclusiveChannelTest {

    @Test
    void theOwnerCopiesThroughAddressesTheCoreResolvedAndTheClaimPinsUntilClosed() {
        SimControl control = new SimControl();
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        try (DmaRuntime dma = builder(iommu, new SimProvider(SimConfig.defaults(), control)).exclusiveChannels(true).build();
             DmaBuffer src = dma.allocate(8192);
             DmaBuffer dst = dma.allocate(8192)) {
            byte[] data = randomBytes(8192, 11);
            write(src, 0, data);
            ExclusiveChannel owned = dma.claimChannel("sim");
            ExclusiveChannel.Address from = owned.resolveSource(src, 0, 8192);
            ExclusiveChannel.Address to = owned.resolveDestination(dst, 0, 8192);
            assertEquals(DmaChannel.SPACE_BUS, from.space());
            assertNotEquals(src.segment().address(), from.address(), "an IOVA, not the CPU address");

            DmaChannel channel = owned.channel();
            long first = channel.enqueueCopy(from.space(), from.address(), to.space(), to.address(), 4096, 0);
            long second = channel.enqueueCopy(from.space(), from.address() + 4096, to.space(), to.address() + 4096, 4096, 0);
            channel.submit();
            CompletionBatch batch = new CompletionBatch(8);
            int seen = 0;
            while (seen < 2) {
                int n = channel.poll(batch);
                for (int i = 0; i < n; i++) {
                    assertTrue(batch.ticket(i) == first || batch.ticket(i) == second);
                    assertEquals(OpStatus.SUCCESS, batch.status(i));
                }
                seen += n;
            }
            assertEquals(1, control.doorbells(), "one doorbell for the batch");
            assertArrayEquals(data, read(dst, 0, 8192));

            // the core's rules while the claim is open
            assertInstanceOf(IllegalStateException.class, assertThrows(RuntimeException.class, src::close));
            assertThrows(IllegalStateException.class, () -> dma.copy(src, dst));
            assertThrows(IllegalStateException.class, () -> dma.claimChannel("sim"));
            assertThrows(IllegalStateException.class, () -> dma.resetEngine("sim"));
            assertThrows(IllegalStateException.class, dma::close);
            assertTrue(dma.isOpen(), "a refused close closed nothing");
            assertThrows(IllegalArgumentException.class, () -> owned.resolveSource(src, 4096, 8192));
            Throwable other = CompletableFuture.runAsync(owned::channel).handle((ok, e) -> e).join();
            assertInstanceOf(IllegalStateException.class, other.getCause(), String.valueOf(other));

            long resetsBefore = control.resets();
            owned.close();
            assertEquals(resetsBefore + 1, control.resets(), "closing the claim resets the engine");
            assertThrows(IllegalStateException.class, owned::channel);
            dma.claimChannel("sim").close(); // free again
        }
    }

    @Test
    void aDeviceErrorIsTheOwnersStatusAndOnlyARuntimeBuiltForItHandsOutChannels() {
        SimControl control = new SimControl();
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), new SimProvider(SimConfig.defaults(), control))
                 .exclusiveChannels(true).build();
             DmaBuffer buffer = dma.allocate(4096);
             ExclusiveChannel owned = dma.claimChannel("sim")) {
            ExclusiveChannel.Address at = owned.resolveDestination(buffer, 0, 4096);
            control.failNext(1);
            DmaChannel channel = owned.channel();
            channel.enqueueFill(0x1122334455667788L, at.space(), at.address(), 4096, DmaChannel.FLAG_SUBMIT);
            CompletionBatch batch = new CompletionBatch(4);
            while (channel.poll(batch) == 0) {
                Thread.onSpinWait();
            }
            assertEquals(OpStatus.DEVICE_ERROR, batch.status(0));
        }
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), new SimProvider(SimConfig.defaults(), new SimControl())).build()) {
            assertThrows(IllegalStateException.class, () -> dma.claimChannel("sim"));
        }
    }

    /** A claim whose thread ended without closing it does not hold the runtime open for ever. */
    @Test
    void theRuntimeClosesAClaimWhoseOwnerThreadEnded() throws Exception {
        SimControl control = new SimControl();
        DmaRuntime dma = builder(new FakeIommuDomain("iommu"), new SimProvider(SimConfig.defaults(), control))
            .exclusiveChannels(true).build();
        DmaBuffer buffer = dma.allocate(4096);
        control.hold = true; // the op stays in the device's ring
        Thread owner = new Thread(() -> {
            ExclusiveChannel owned = dma.claimChannel("sim");
            ExclusiveChannel.Address at = owned.resolveDestination(buffer, 0, 4096);
            owned.channel().enqueueFill(7, at.space(), at.address(), 4096, DmaChannel.FLAG_SUBMIT);
        }, "claimer");
        owner.start();
        owner.join();
        assertInstanceOf(IllegalStateException.class, assertThrows(RuntimeException.class, buffer::close),
            "pinned by the abandoned claim");
        long resetsBefore = control.resets();
        dma.close();
        assertEquals(resetsBefore + 1, control.resets(), "the abandoned claim's engine was reset before its memory was released");
        assertTrue(!dma.isOpen());
    }
}
