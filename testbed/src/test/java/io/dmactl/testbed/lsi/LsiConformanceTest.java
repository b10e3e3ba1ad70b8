package io.dmactl.testbed.lsi;

import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.provider.lsi.LsiProvider;
import io.dmactl.testbed.DeviceEngineFixture;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/**
 * The shared fast-path suite against the LSI53C895A's SCRIPTS processor in the guest, polled.
 * It has MEM_TO_MEM, so host copies are one Memory Move each; its SCRIPTS RAM is the private
 * space of the round-trip test; fill and interrupts are skipped (it offers neither). QEMU runs a
 * chain inside the DSP write, so the suite runs at full size with a 16-slot ring.
 */
@Tag("testbed")
class LsiConformanceTest extends DmaEngineConformanceTest {
    private static final int RING_SIZE = 16;

    @Override
    protected EngineFixture openFixture() {
        return DeviceEngineFixture.open(new LsiProvider(), TestbedEnvironment.lsiGroup(), TestbedEnvironment.lsiPci(),
            Map.of(LsiProvider.OPTION_RING_SIZE, Integer.toString(RING_SIZE)));
    }

    @Override
    protected int maxOpsInFlight() {
        return RING_SIZE;
    }
}
