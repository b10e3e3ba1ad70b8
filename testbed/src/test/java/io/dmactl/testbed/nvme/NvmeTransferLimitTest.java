package io.dmactl.testbed.nvme;

import io.dmactl.core.conformance.EngineFixture.HostRegion;
import io.dmactl.core.conformance.StandaloneEngineContext;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.memory.DmaMemoryPool;
import io.dmactl.core.memory.VfioIommuDomain;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.provider.nvme.NvmeProvider;
import io.dmactl.testbed.ByteChecks;
import io.dmactl.testbed.DeviceEngineFixture;
import io.dmactl.testbed.TestbedEnvironment;
import io.dmactl.vfio.VfioContainer;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciSysfs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static io.dmactl.core.spi.DmaChannel.FLAG_SUBMIT;
import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static io.dmactl.testbed.nvme.NvmeTestbed.BLOCK_BYTES;
import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.assertFilled;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-command limits of the real (emulated) controller, on the engine's channel directly:
 * MDTS (7: 512 KiB of 4 KiB pages) for Read and Write, MCL (1024 blocks of 512 bytes; 8 ranges
 * of MSSRL 128 blocks) for Copy. The engine declares them; an op one block longer is refused
 * before anything reaches the submission queue: INVALID with its reason, the namespace bytes
 * untouched, no completion from the controller. Also: closing the engine alone gives its DMA
 * memory back to the pool. Uses namespace bytes 52-56 MiB, which no other test touches.
 */
@Tag("testbed")
class NvmeTransferLimitTest {
    private static final int MDTS_BYTES = 512 * 1024;
    private static final int MCL_BYTES = 1024 * BLOCK_BYTES;
    /** NvmeOpCheck.LONGER_THAN_MAX_TRANSFER and LONGER_THAN_MAX_COPY (package-private in the provider). */
    private static final int LONGER_THAN_MDTS = 2;
    private static final int LONGER_THAN_MCL = 9;
    private static final long REGION_A = 52L << 20;
    private static final long REGION_B = 54L << 20;
    private static final long QUIET_NANOS = 200_000_000L;

    @Test
    void opsBeyondMdtsOrMclAreRefusedBeforeTheControllerSeesThem() {
        try (DeviceEngineFixture fixture = DeviceEngineFixture.open(new NvmeProvider(), group(), TestbedEnvironment.nvmePci(),
            options())) {
            DmaEngine engine = fixture.engine();
            EngineCapabilities caps = engine.capabilities();
            assertEquals(MDTS_BYTES, caps.maxTransferBytes(), "reads and writes: MDTS");
            assertEquals(MCL_BYTES, caps.maxPrivateCopyBytes(), "copies inside the namespace: MCL");
            int ns = fixture.privateSpaces().get(0).spaceId();
            DmaChannel channel = engine.channel(0);
            CompletionBatch batch = new CompletionBatch(16);
            int over = MDTS_BYTES + BLOCK_BYTES;

            HostRegion original = fixture.allocateHost(over);
            byte[] contentA = pattern(over, 41);
            write(original.segment(), 0, contentA);
            writeInTwo(channel, batch, original, ns, REGION_A, over);
            byte[] contentB = pattern(over, 42);
            write(original.segment(), 0, contentB);
            writeInTwo(channel, batch, original, ns, REGION_B, over);

            HostRegion fresh = fixture.allocateHost(over);
            write(fresh.segment(), 0, pattern(over, 43));
            long write = channel.enqueueCopy(SPACE_BUS, fresh.busAddress(), ns, REGION_A, over, FLAG_SUBMIT);
            assertOnlyRefusal(channel, batch, write, LONGER_THAN_MDTS, "a write one block beyond MDTS");
            long copy = channel.enqueueCopy(ns, REGION_A, ns, REGION_B, MCL_BYTES + BLOCK_BYTES, FLAG_SUBMIT);
            assertOnlyRefusal(channel, batch, copy, LONGER_THAN_MCL, "a copy one block beyond MCL");
            HostRegion back = fixture.allocateHost(over);
            long read = channel.enqueueCopy(ns, REGION_A, SPACE_BUS, back.busAddress(), over, FLAG_SUBMIT);
            assertOnlyRefusal(channel, batch, read, LONGER_THAN_MDTS, "a read one block beyond MDTS");
            assertFilled(back.segment(), 0, over, (byte) 0, "the refused read moved nothing into host memory");

            readInTwo(channel, batch, ns, REGION_A, back, over);
            assertBytes(contentA, back.segment(), 0, "region A after the refused write");
            readInTwo(channel, batch, ns, REGION_B, back, over);
            assertBytes(contentB, back.segment(), 0, "region B after the refused copy");

            long atLimit = channel.enqueueCopy(ns, REGION_A, ns, REGION_B, MCL_BYTES, FLAG_SUBMIT);
            assertEquals(read + 5, atLimit, "tickets stay consecutive across refusals");
            assertStatus(channel, batch, atLimit, OpStatus.SUCCESS, 0, "a copy of exactly MCL");
            readInTwo(channel, batch, ns, REGION_B, back, over);
            assertBytes(java.util.Arrays.copyOf(contentA, MCL_BYTES), back.segment(), 0, "the copy at MCL");
        }
    }

    @Test
    void closingTheEngineAloneReturnsItsDmaMemoryToThePool() {
        VfioContainer container = VfioContainer.open();
        try {
            VfioDevice device = container.attachGroup(group()).openDevice(TestbedEnvironment.nvmePci());
            VfioIommuDomain domain = new VfioIommuDomain(container);
            try (DmaMemoryPool pool = new DmaMemoryPool(new ArenaPageSource(4096), 4096, 2L << 20, 64L << 20);
                 StandaloneEngineContext context = new StandaloneEngineContext("nvme", Optional.of(pci()), Optional.of(device),
                     domain, pool, options())) {
                DmaEngine engine = new NvmeProvider().open(context);
                // Admin queues + identify page, then per channel its rings and its slot pages.
                assertEquals(1 + 2 * 2, pool.liveBuffers(), "the engine's own buffers");
                assertTrue(pool.usedBytes() > 0);

                engine.close();

                assertEquals(0, pool.liveBuffers(), "closing the engine released everything it took");
                assertEquals(0, pool.usedBytes());
                DmaBuffer reuse = pool.allocate(4096);
                assertEquals(4096, pool.usedBytes(), "the pool itself is still open and hands memory out again");
                reuse.close();
            } finally {
                domain.close();
            }
        } finally {
            container.close();
        }
    }

    /** Polls until {@code ticket} completes, then checks the controller reports nothing more. */
    private static void assertOnlyRefusal(DmaChannel channel, CompletionBatch batch, long ticket, int reason, String what) {
        assertStatus(channel, batch, ticket, OpStatus.INVALID, reason, what);
        long end = System.nanoTime() + QUIET_NANOS;
        while (System.nanoTime() - end < 0) {
            assertEquals(0, channel.poll(batch), what + ": no completion may follow; the controller never saw the op");
            Thread.onSpinWait();
        }
    }

    private static void assertStatus(DmaChannel channel, CompletionBatch batch, long ticket, int status, int code, String what) {
        long deadline = System.nanoTime() + NvmeTestbed.WAIT_SECONDS * 1_000_000_000L;
        int n;
        while ((n = channel.poll(batch)) == 0) {
            assertTrue(System.nanoTime() - deadline < 0, what + ": no completion");
            Thread.onSpinWait();
        }
        assertEquals(1, n, what);
        assertEquals(ticket, batch.ticket(0), what);
        assertEquals(OpStatus.name(status), OpStatus.name(batch.status(0)), what);
        assertEquals(code, batch.deviceCode(0), what + ": device code");
    }

    private static void writeInTwo(DmaChannel channel, CompletionBatch batch, HostRegion host, int ns, long offset, int length) {
        long first = channel.enqueueCopy(SPACE_BUS, host.busAddress(), ns, offset, MDTS_BYTES, FLAG_SUBMIT);
        assertStatus(channel, batch, first, OpStatus.SUCCESS, 0, "write up to MDTS at " + offset);
        long second = channel.enqueueCopy(SPACE_BUS, host.busAddress() + MDTS_BYTES, ns, offset + MDTS_BYTES,
            length - MDTS_BYTES, FLAG_SUBMIT);
        assertStatus(channel, batch, second, OpStatus.SUCCESS, 0, "write of the rest at " + offset);
    }

    private static void readInTwo(DmaChannel channel, CompletionBatch batch, int ns, long offset, HostRegion host, int length) {
        host.segment().fill((byte) 0);
        long first = channel.enqueueCopy(ns, offset, SPACE_BUS, host.busAddress(), MDTS_BYTES, FLAG_SUBMIT);
        assertStatus(channel, batch, first, OpStatus.SUCCESS, 0, "read up to MDTS at " + offset);
        long second = channel.enqueueCopy(ns, offset + MDTS_BYTES, SPACE_BUS, host.busAddress() + MDTS_BYTES,
            length - MDTS_BYTES, FLAG_SUBMIT);
        assertStatus(channel, batch, second, OpStatus.SUCCESS, 0, "read of the rest at " + offset);
    }

    private static Map<String, String> options() {
        return Map.of(NvmeProvider.OPTION_QUEUE_DEPTH, "16", NvmeProvider.OPTION_CHANNELS, "2",
            NvmeProvider.OPTION_COMPLETION, "poll");
    }

    private static int group() {
        return TestbedEnvironment.nvmeGroup();
    }

    private static PciDevice pci() {
        return PciSysfs.system().require(PciAddress.parse(TestbedEnvironment.nvmePci()));
    }
}
