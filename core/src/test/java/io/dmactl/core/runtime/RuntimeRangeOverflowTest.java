package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offsets and lengths whose sum passes Long.MAX_VALUE, through every public way to name a range
 * (copy and fill, future and callback, via an engine, batch, explainCopy), on each kind of
 * location: refused with IllegalArgumentException naming the offset, the length and the true
 * end of the range (never a wrapped-around negative one), before anything is mapped or rung.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeRangeOverflowTest {

    private static final long MAX = Long.MAX_VALUE;

    @Test
    void rangesPastLongMaxValueAreRefusedWithTheirTrueEnd() {
        SimControl control = new SimControl();
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        try (DmaRuntime dma = builder(iommu, new SimProvider(SimConfig.defaults(), control)).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            DevicePrivateSpace sram = dma.privateSpace("sim", "sram");
            for (DmaLocation end : new DmaLocation[] {dst, sram}) {
                // MAX - 10 + 100 wraps to -9223372036854775719 in a long
                String wrapped = "[9223372036854775797, 9223372036854775897) of 100 bytes does not fit in " + end.name();
                refused("destination range " + wrapped, () -> dma.copy(src, 0, end, MAX - 10, 100));
                refused("destination range " + wrapped, () -> dma.copy(src, 0, end, MAX - 10, 100, result -> { }));
                refused("destination range " + wrapped, () -> dma.via("sim").copy(src, 0, end, MAX - 10, 100));
                refused("destination range " + wrapped, () -> dma.fill(end, MAX - 10, 100, 0));
                refused("destination range " + wrapped, () -> dma.fill(end, MAX - 10, 100, 0, result -> { }));
                refused("destination range " + wrapped, () -> dma.batch().fill(end, MAX - 10, 100, 0));
                refused("destination range " + wrapped, () -> dma.explainCopy(src, 0, end, MAX - 10, 100));
                refused("source range " + wrapped, () -> dma.copy(end, MAX - 10, src, 0, 100));
                refused("source range " + wrapped, () -> dma.batch().copy(end, MAX - 10, src, 0, 100));
                // both at their largest: the true end is 2^64 - 2
                refused("destination range [9223372036854775807, 18446744073709551614) of 9223372036854775807 bytes",
                    () -> dma.fill(end, MAX, MAX, 0));
                refused("source range [1, 9223372036854775808) of 9223372036854775807 bytes",
                    () -> dma.copy(end, 1, src, 0, MAX));
                refused("destination offset -9223372036854775808 is negative", () -> dma.copy(src, 0, end, Long.MIN_VALUE, 1));
                refused("lengthBytes -9223372036854775808 must be positive", () -> dma.copy(src, 0, end, 0, Long.MIN_VALUE));
                refused("lengthBytes -1 must be positive", () -> dma.fill(end, MAX, -1, 0));
            }
            // the copy whole-location form checks both lengths first
            TransferResult ok = dma.copy(src, dst).join();
            assertTrue(ok.isSuccess(), ok::toString);
            assertEquals(1, control.doorbells(), "only the one good copy rang a doorbell");
        }
    }

    private static void refused(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
