package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.IovaExhaustedException;
import io.dmactl.core.memory.IovaRange;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Misuse throws synchronously, names the bad value, and touches nothing: no map, no doorbell, no pin. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeMisuseTest {

    @Test
    void badRangesAreRefusedWithTheValueAndNothingIsTouched() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withAlignmentBytes(8), control);
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        try (DmaRuntime dma = builder(iommu, sim).build();
             DmaBuffer dst = dma.allocate(4096)) {
            DmaBuffer src = dma.allocate(4096);
            DevicePrivateSpace sram = dma.privateSpace("sim", "sram");
            refused(IllegalArgumentException.class, "offset -1", () -> dma.copy(src, -1, dst, 0, 16));
            refused(IllegalArgumentException.class, "[4090, 4106)", () -> dma.copy(src, 4090, dst, 0, 16));
            refused(IllegalArgumentException.class, "lengthBytes 0", () -> dma.copy(src, 0, dst, 0, 0));
            refused(IllegalArgumentException.class, "lengthBytes -5", () -> dma.fill(dst, 0, -5, 0));
            refused(IllegalArgumentException.class, "overlap", () -> dma.copy(src, 0, src, 100, 200));
            refused(IllegalArgumentException.class, "does not fit in " + sram.name(),
                () -> dma.copy(src, 0, sram, sram.lengthBytes() - 8, 16));
            refused(NullPointerException.class, "source", () -> dma.copy(null, 0, dst, 0, 16));
            refused(io.dmactl.core.NoEngineAvailableException.class, "source offset 3 is not a multiple of 8",
                () -> dma.copy(src, 3, dst, 0, 16));
            refused(io.dmactl.core.NoEngineAvailableException.class, "length 12 is not a multiple of 8",
                () -> dma.copy(src, 0, dst, 0, 12));
            try (DmaRuntime other = builder(new FakeIommuDomain("other"), new SimProvider(SimConfig.defaults(), new SimControl())).build();
                 DmaBuffer foreign = other.allocate(4096)) {
                refused(IllegalArgumentException.class, "another runtime", () -> dma.copy(foreign, 0, dst, 0, 16));
                refused(IllegalArgumentException.class, "not declared by an engine of this runtime",
                    () -> dma.copy(src, 0, other.privateSpace("sim", "sram"), 0, 16));
            }
            assertEquals(0, control.doorbells(), "a refused transfer rang a doorbell");
            assertEquals(0, iommu.mapCalls(), "a refused transfer mapped memory");
            assertDoesNotThrow(src::close, "a refused transfer left a pin behind");
        }
    }

    @Test
    void unknownEngineAndSpaceNamesListWhatExists() {
        SimProvider sim = new SimProvider(SimConfig.defaults(), new SimControl());
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build()) {
            refused(IllegalArgumentException.class, "engines: [sim]", () -> dma.via("edu"));
            refused(IllegalArgumentException.class, "[sim sram]", () -> dma.privateSpace("sim", "bar"));
            refused(IllegalArgumentException.class, "selected provider 'edu' was not found",
                () -> builder(new FakeIommuDomain("x"), new SimProvider(SimConfig.defaults(), new SimControl()))
                    .onlyProviders("edu").build());
        }
    }

    @Test
    void anIovaSpaceThatCannotHonourTheDmaMaskFailsTheCopyBeforeTheDeviceSeesIt() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withDmaMaskBits(28), control);
        FakeIommuDomain highOnly = new FakeIommuDomain("high", List.of(new IovaRange(1L << 32, (1L << 39) - 1)), true);
        try (DmaRuntime dma = builder(highOnly, sim).build();
             DmaBuffer dst = dma.allocate(4096)) {
            DmaBuffer src = dma.allocate(4096);
            IovaExhaustedException e = assertThrows(IovaExhaustedException.class, () -> dma.copy(src, 0, dst, 0, 64));
            assertTrue(e.getMessage().contains("0xfffffff"), e.getMessage());
            assertEquals(0, control.doorbells());
            assertDoesNotThrow(src::close, "the failed resolution released its pin");
        }
    }

    private static void refused(Class<? extends Throwable> type, String fragment, Executable call) {
        Throwable t = assertThrows(type, call);
        assertTrue(t.getMessage() != null && t.getMessage().contains(fragment),
            "message should contain '" + fragment + "': " + t.getMessage());
    }
}
