package io.dmactl.testbed.lsi;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.lsi.LsiProvider;
import io.dmactl.testbed.DeviceEngineFixture;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.dmactl.core.spi.DmaChannel.FLAG_SUBMIT;
import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared fast-path suite against the LSI53C895A with completion by its interrupt: the chain's
 * INT raises legacy INTx (DIEN.SIR) on a VFIO eventfd, the channel lowers the line by reading
 * DSTAT and then unmasks it. Small ring and a short run: {@link LsiConformanceTest} covers the
 * rest with polling.
 */
@Tag("testbed")
class LsiIntxConformanceTest extends DmaEngineConformanceTest {
    private static final int RING_SIZE = 8;

    @Override
    protected EngineFixture openFixture() {
        return DeviceEngineFixture.open(new LsiProvider(), TestbedEnvironment.lsiGroup(), TestbedEnvironment.lsiPci(),
            Map.of(LsiProvider.OPTION_COMPLETION, "intx", LsiProvider.OPTION_RING_SIZE, Integer.toString(RING_SIZE)));
    }

    @Override
    protected int maxOpsInFlight() {
        return RING_SIZE;
    }

    @Override
    protected int ringWraps() {
        return 2;
    }

    @Override
    protected int largestOpBytes() {
        return 256 * 1024;
    }

    /**
     * INTx is level-triggered and vfio-pci masks it on delivery: each chain's interrupt arrives
     * only if the channel lowered the line (DSTAT read) and unmasked it after the previous one.
     */
    @Test
    void everyChainRaisesItsOwnInterrupt() {
        EngineFixture.HostRegion src = randomHost(4096);
        EngineFixture.HostRegion dst = fixture.allocateHost(4096);
        for (int i = 0; i < 4; i++) {
            long ticket = channel.enqueueCopy(SPACE_BUS, src.busAddress() + i, SPACE_BUS, dst.busAddress() + 64 * i, 64, FLAG_SUBMIT);
            assertTrue(channel.interrupt().await(10_000_000_000L), "no interrupt for chain " + i);
            var done = await(channel, 1);
            assertTrue(done.containsKey(ticket), "chain " + i + ": " + done);
        }
        assertFalse(channel.interrupt().await(200_000_000L), "an interrupt without a chain");
        assertEquals(0, channel.poll(batch));
    }
}
