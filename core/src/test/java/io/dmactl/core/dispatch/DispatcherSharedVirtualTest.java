package io.dmactl.core.dispatch;

import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.sim.FakeCandidate;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared virtual addressing as a capability: hardware in the cost model, only locked host memory, nothing it does not declare. */
class DispatcherSharedVirtualTest {
    private final Arena arena = Arena.ofConfined();
    private final DmaBuffer pool = LocationInternals.newBuffer(1, arena.allocate(1 << 20, 4096), 1 << 20, false, b -> { });
    private final DmaBuffer pool2 = LocationInternals.newBuffer(2, arena.allocate(1 << 20, 4096), 1 << 20, false, b -> { });
    private final DmaBuffer registered = LocationInternals.newBuffer(3, arena.allocate(1 << 20, 4096), 1 << 20, true, b -> { });
    private final DeviceWindow window = LocationInternals.newWindow("ivshmem BAR2", "0000:00:05.0", arena.allocate(1 << 16, 4096), 4096, w -> { });
    private final DevicePrivateSpace otherPrivate = LocationInternals.newPrivateSpace("buffer", "edu", 1, 4096, 1);

    private final FakeCandidate sva = new FakeCandidate("dsa", EngineCapabilities.builder().ops(DmaOpKind.values())
        .directions(Direction.MEM_TO_MEM).reaches(LocationKind.HOST_MEMORY).addressing(AddressingMode.SHARED_VIRTUAL)
        .execution(ExecutionKind.HARDWARE).build(), null, false, 0);
    private final FakeCandidate cpu = new FakeCandidate("cpu", EngineCapabilities.builder().ops(DmaOpKind.values())
        .directions(Direction.MEM_TO_MEM, Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV)
        .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW).addressing(AddressingMode.CPU_VIRTUAL)
        .execution(ExecutionKind.SOFTWARE).build(), null, false, 0);
    private final Dispatcher dispatcher = new Dispatcher(new DispatchPolicy(List.of(), 4096));

    @AfterEach
    void close() {
        arena.close();
    }

    private static TransferShape copy(io.dmactl.core.location.DmaLocation from, io.dmactl.core.location.DmaLocation to, long length) {
        return new TransferShape(DmaOpKind.COPY, from, 0, to, 0, length, 0, null);
    }

    @Test
    void theCostModelTreatsItAsHardware() {
        assertEquals("dsa", dispatcher.choose(copy(pool, pool2, 65536), List.of(cpu, sva)).engineName());
        assertEquals("cpu", dispatcher.choose(copy(pool, pool2, 64), List.of(sva, cpu)).engineName());
    }

    @Test
    void registeredClientMemoryIsNeverRoutedToIt() {
        String why = dispatcher.rejection(copy(registered, pool2, 65536), sva);
        assertTrue(why.contains("does not lock registered client memory (source registered#3)"), why);
        assertEquals("cpu", dispatcher.choose(copy(pool, registered, 65536), List.of(sva, cpu)).engineName());
        assertNull(dispatcher.rejection(copy(registered, pool2, 65536), cpu), "a CPU_VIRTUAL engine still takes it");
    }

    @Test
    void windowsAndOtherEnginesPrivateMemoryOnlyWhenDeclared() {
        NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class,
            () -> dispatcher.choose(copy(pool, window, 4096), List.of(sva)));
        assertTrue(e.getMessage().contains("dsa: does not support direction MEM_TO_DEV"), e.getMessage());
        FakeCandidate svaWithWindows = new FakeCandidate("dsa", EngineCapabilities.builder().ops(DmaOpKind.COPY)
            .directions(Direction.MEM_TO_MEM, Direction.MEM_TO_DEV).reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW)
            .addressing(AddressingMode.SHARED_VIRTUAL).execution(ExecutionKind.HARDWARE).build(), null, false, 0);
        assertNull(dispatcher.rejection(copy(pool, window, 4096), svaWithWindows), "a declared window is reached by its CPU mapping");
        FakeCandidate svaWithPrivate = new FakeCandidate("dsa", EngineCapabilities.builder().ops(DmaOpKind.COPY)
            .directions(Direction.MEM_TO_MEM, Direction.MEM_TO_DEV).reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_PRIVATE)
            .addressing(AddressingMode.SHARED_VIRTUAL).execution(ExecutionKind.HARDWARE).build(), null, false, 0);
        String why = dispatcher.rejection(copy(pool, otherPrivate, 64), svaWithPrivate);
        assertTrue(why.contains("it is private to engine edu"), why);
    }

    @Test
    void onlyHardwareDeclaresItAndOnlySoftwareDeclaresCpuVirtual() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EngineCapabilities.builder()
            .ops(DmaOpKind.COPY).directions(Direction.MEM_TO_MEM).reaches(LocationKind.HOST_MEMORY)
            .addressing(AddressingMode.SHARED_VIRTUAL).execution(ExecutionKind.SOFTWARE).build());
        assertTrue(e.getMessage().contains("SHARED_VIRTUAL is for HARDWARE engines"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EngineCapabilities.builder()
            .ops(DmaOpKind.COPY).directions(Direction.MEM_TO_MEM).reaches(LocationKind.HOST_MEMORY)
            .addressing(AddressingMode.CPU_VIRTUAL).execution(ExecutionKind.HARDWARE).build());
        assertTrue(e.getMessage().contains("SHARED_VIRTUAL"), "the message names the mode hardware should use: " + e.getMessage());
    }
}
