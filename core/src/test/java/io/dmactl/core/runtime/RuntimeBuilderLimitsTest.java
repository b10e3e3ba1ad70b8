package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The builder's time and size options at their extremes: a missing value is refused naming the
 * option, a duration too long for a long of nanoseconds means "for ever" (it was an
 * {@code ArithmeticException} out of {@code build()}, and a default admission timeout of twice a
 * huge op timeout wrapped negative), and pool sizes that cannot work are refused at build.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeBuilderLimitsTest {

    @Test
    void missingDurationsAreRefusedNamingTheOption() {
        DmaRuntime.Builder b = DmaRuntime.builder();
        assertTrue(assertThrows(NullPointerException.class, () -> b.opTimeout(null)).getMessage().contains("opTimeout"));
        assertTrue(assertThrows(NullPointerException.class, () -> b.closeGrace(null)).getMessage().contains("closeGrace"));
        assertTrue(assertThrows(NullPointerException.class, () -> b.admissionTimeout(null)).getMessage()
            .contains("admissionTimeout"));
    }

    @Test
    void durationsBeyondALongOfNanosecondsMeanForEver() {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        for (int variant = 0; variant < 3; variant++) {
            DmaRuntime.Builder b = builder(new FakeIommuDomain("iommu"),
                new SimProvider(SimConfig.defaults().withRingSize(4), new SimControl()))
                .maxPendingPerChannel(1);
            switch (variant) {
                case 0 -> b.opTimeout(forever); // the default admission timeout is twice this
                case 1 -> b.opTimeout(Duration.ofDays(365 * 200)).closeGrace(forever); // fits, but twice it does not
                default -> b.admissionTimeout(forever).closeGrace(forever);
            }
            try (DmaRuntime dma = b.build(); DmaBuffer src = dma.allocate(4096); DmaBuffer dst = dma.allocate(4096)) {
                byte[] data = randomBytes(4096, variant);
                write(src, 0, data);
                // More copies than the bound of one: each waits for room, which a negative timeout would refuse at once.
                var first = dma.copy(src, 0, dst, 0, 2048);
                var second = dma.copy(src, 2048, dst, 2048, 2048);
                assertEquals(TransferStatus.SUCCESS, first.join().status(), "variant " + variant);
                assertEquals(TransferStatus.SUCCESS, second.join().status(), "variant " + variant);
                assertArrayEquals(data, read(dst, 0, 4096), "variant " + variant);
            }
        }
    }

    @Test
    void poolSizesThatCannotWorkAreRefusedAtBuild() {
        for (long[] sizes : new long[][] {{-1, 2 << 20}, {0, 2 << 20}, {2 << 20, 0}, {2 << 20, -4096}, {1 << 20, 2 << 20},
            {Long.MAX_VALUE, 4095}}) {
            DmaRuntime.Builder b = builder(new FakeIommuDomain("iommu"), new SimProvider(SimConfig.defaults(), new SimControl()))
                .poolLimitBytes(sizes[0]).poolChunkBytes(sizes[1]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build,
                "limit " + sizes[0] + ", chunk " + sizes[1]);
            assertTrue(e.getMessage().contains("Bytes"), e.getMessage());
        }
    }
}
