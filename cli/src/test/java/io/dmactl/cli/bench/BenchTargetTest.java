package io.dmactl.cli.bench;

import io.dmactl.core.EngineInfo;
import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.memory.DmaMemoryPool;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;
import io.dmactl.core.location.LocationKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchTargetTest {

    /** Like edu: copies only in and out of a 4095-byte buffer of its own. */
    static EngineInfo eduLike(int granularity) {
        EngineCapabilities caps = EngineCapabilities.builder().ops(DmaOpKind.COPY)
                .directions(Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV)
                .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW, LocationKind.DEVICE_PRIVATE)
                .addressing(AddressingMode.IOVA).execution(ExecutionKind.HARDWARE).maxTransferBytes(4095)
                .requiresOwnPrivateEnd(true).build();
        DevicePrivateSpace buffer = LocationInternals.newPrivateSpace("edu@x buffer", "edu@x", 1, 4095, granularity);
        return new EngineInfo("edu@x", "edu", Optional.of("x"), caps, List.of(buffer), 0, Optional.empty());
    }

    @Test
    void anEngineThatNeedsItsOwnMemoryIsMeasuredIntoItAndClampedToIt() {
        try (DmaMemoryPool pool = pool(); DmaBuffer source = pool.allocate(1 << 20); DmaBuffer destination = pool.allocate(1 << 20)) {
            BenchTarget target = BenchTarget.of(eduLike(1), source, destination).orElseThrow();
            assertEquals("host->dev", target.direction());
            assertSame(source, target.source());
            assertEquals(4095, target.limitBytes());
            assertEquals(64, target.clamp(64));
            assertEquals(4095, target.clamp(4096));
            assertEquals(4095, target.clamp(1 << 20));
            BenchTarget coarse = BenchTarget.of(eduLike(512), source, destination).orElseThrow();
            assertEquals(3584, coarse.clamp(65536), "rounded down to the 512-byte granularity");
            assertEquals(0, coarse.clamp(100), "less than one unit");
        }
    }

    @Test
    void aCopyEngineIsMeasuredHostToHostUpToTheBuffers() {
        EngineCapabilities caps = EngineCapabilities.builder().ops(DmaOpKind.COPY).directions(Direction.MEM_TO_MEM)
                .reaches(LocationKind.HOST_MEMORY).addressing(AddressingMode.CPU_VIRTUAL).execution(ExecutionKind.SOFTWARE)
                .build();
        EngineInfo cpu = new EngineInfo("cpu", "cpu", Optional.empty(), caps, List.of(), 0, Optional.empty());
        try (DmaMemoryPool pool = pool(); DmaBuffer source = pool.allocate(65536); DmaBuffer destination = pool.allocate(65536)) {
            BenchTarget target = BenchTarget.of(cpu, source, destination).orElseThrow();
            assertEquals("host->host", target.direction());
            assertSame(destination, target.destination());
            assertEquals(65536, target.clamp(1 << 20));
            assertTrue(target.clamp(3) == 3);
        }
    }

    private static DmaMemoryPool pool() {
        return new DmaMemoryPool(new ArenaPageSource(4096), 4096, 2 << 20, 16 << 20);
    }
}
