package io.dmactl.cli.selftest;

import io.dmactl.core.EngineInfo;
import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaseMatrixAndRoutesTest {

    @Test
    void theFullMatrixHasOddLengthsAndOffsets() {
        List<SelftestCase> cases = CaseMatrix.cases(false, 1, Integer.MAX_VALUE, 2 << 20);
        assertEquals(27, cases.size());
        assertTrue(cases.contains(new SelftestCase(3, 1, 7, cases.get(4).seed())), cases::toString);
        assertEquals(27, cases.stream().mapToLong(SelftestCase::seed).distinct().count(), "every case its own pattern");
    }

    @Test
    void casesAreRoundedToTheUnitAndKeptInsideTheLimits() {
        List<SelftestCase> cases = CaseMatrix.cases(true, 512, 4096, 4096);
        assertEquals(List.of(4096L, 512L), cases.stream().map(SelftestCase::lengthBytes).toList());
        assertEquals(512, cases.get(1).sourceOffset());
        assertEquals(512, cases.get(1).destinationOffset());
        for (SelftestCase c : CaseMatrix.cases(false, 8, 4095, 4095)) {
            assertEquals(0, c.lengthBytes() % 8, c::toString);
            assertEquals(0, c.sourceOffset() % 8, c::toString);
            assertTrue(c.lengthBytes() <= 4095 && c.lengthBytes() + Math.max(c.sourceOffset(), c.destinationOffset()) <= 4095,
                    c::toString);
        }
        assertEquals(List.of(new SelftestCase(16, 0, 0, CaseMatrix.cases(true, 16, 16, 16).get(0).seed())),
                CaseMatrix.cases(true, 16, 16, 16), "too small for the quick cases: still one op");
        assertThrows(IllegalArgumentException.class, () -> CaseMatrix.cases(true, 3, 100, 100));
    }

    @Test
    void routesFollowTheDeclaredCapabilities() {
        EngineCapabilities edu = EngineCapabilities.builder().ops(DmaOpKind.COPY)
                .directions(Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV)
                .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW, LocationKind.DEVICE_PRIVATE)
                .addressing(AddressingMode.IOVA).execution(ExecutionKind.HARDWARE).maxTransferBytes(4095)
                .requiresOwnPrivateEnd(true).maxPrivateCopyBytes(0).build();
        EngineInfo eduEngine = new EngineInfo("edu@x", "edu", Optional.of("x"), edu,
                List.of(LocationInternals.newPrivateSpace("edu@x buffer", "edu@x", 1, 4095, 1)), 0, Optional.empty());
        assertEquals(EnumSet.of(SelftestRoute.HOST_DEV_HOST), EngineSelftest.routes(eduEngine, false));
        assertEquals(EnumSet.of(SelftestRoute.HOST_DEV_HOST, SelftestRoute.WINDOW_DEV_HOST, SelftestRoute.HOST_DEV_WINDOW),
                EngineSelftest.routes(eduEngine, true));

        // An NVMe namespace: copies within it too (NVMe Copy), so the private-to-private route.
        EngineCapabilities nvme = EngineCapabilities.builder().ops(DmaOpKind.COPY)
                .directions(Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV)
                .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW, LocationKind.DEVICE_PRIVATE)
                .addressing(AddressingMode.IOVA).execution(ExecutionKind.HARDWARE).maxTransferBytes(1 << 19)
                .maxPrivateCopyBytes(1 << 19).alignmentBytes(4).requiresOwnPrivateEnd(true).build();
        EngineInfo nvmeEngine = new EngineInfo("nvme@y", "nvme", Optional.of("y"), nvme,
                List.of(LocationInternals.newPrivateSpace("nvme@y ns1", "nvme@y", 1, 64L << 20, 512)), 0, Optional.empty());
        assertEquals(EnumSet.of(SelftestRoute.HOST_DEV_HOST, SelftestRoute.HOST_DEV_DEV_HOST),
                EngineSelftest.routes(nvmeEngine, false));

        EngineCapabilities cpu = EngineCapabilities.builder().ops(DmaOpKind.COPY, DmaOpKind.FILL)
                .directions(Direction.values()).reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW)
                .addressing(AddressingMode.CPU_VIRTUAL).execution(ExecutionKind.SOFTWARE).build();
        EngineInfo cpuEngine = new EngineInfo("cpu", "cpu", Optional.empty(), cpu, List.of(), 0, Optional.empty());
        assertEquals(EnumSet.of(SelftestRoute.HOST_TO_HOST, SelftestRoute.FILL_HOST), EngineSelftest.routes(cpuEngine, false));
        assertEquals(EnumSet.of(SelftestRoute.HOST_TO_HOST, SelftestRoute.FILL_HOST, SelftestRoute.HOST_TO_WINDOW,
                SelftestRoute.WINDOW_TO_HOST), EngineSelftest.routes(cpuEngine, true));
    }
}
