package io.dmactl.core.dispatch;

import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.sim.FakeCandidate;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Operations as data: each op goes only to engines that declare it; refusals name the missing op per engine. */
class DispatcherOpsTest {
    private final Arena arena = Arena.ofConfined();
    private final DmaBuffer host = LocationInternals.newBuffer(1, arena.allocate(1 << 20, 4096), 1 << 20, false, b -> { });
    private final DmaBuffer host2 = LocationInternals.newBuffer(2, arena.allocate(1 << 20, 4096), 1 << 20, false, b -> { });
    private final DmaBuffer host3 = LocationInternals.newBuffer(3, arena.allocate(1 << 20, 4096), 1 << 20, false, b -> { });
    private final DevicePrivateSpace sram = LocationInternals.newPrivateSpace("sram", "dev", 1, 1 << 16, 64);

    private final FakeCandidate copyOnly = candidate("copy-only", ExecutionKind.HARDWARE, Integer.MAX_VALUE, DmaOpKind.COPY,
        DmaOpKind.FILL);
    private final FakeCandidate everything = candidate("everything", ExecutionKind.SOFTWARE, Integer.MAX_VALUE, DmaOpKind.values());
    private final FakeCandidate crcOnly = candidate("crc-only", ExecutionKind.HARDWARE, 4096, DmaOpKind.CRC32C);
    private final Dispatcher dispatcher = new Dispatcher(new DispatchPolicy(List.of(), 0)); // hardware preferred at every size

    @AfterEach
    void close() {
        arena.close();
    }

    @ParameterizedTest
    @EnumSource(DmaOpKind.class)
    void eachOpGoesOnlyToAnEngineThatDeclaresIt(DmaOpKind op) {
        // Hardware is preferred, so copy-only wins every op it declares and loses every other one.
        String expected = op == DmaOpKind.COPY || op == DmaOpKind.FILL ? "copy-only" : "everything";
        assertEquals(expected, dispatcher.choose(shape(op, 64), List.of(everything, copyOnly)).engineName(), op.name());
        assertEquals(expected, dispatcher.choose(shape(op, 64), List.of(copyOnly, everything)).engineName(), op.name());
    }

    @ParameterizedTest
    @EnumSource(value = DmaOpKind.class, names = {"COMPARE", "COMPARE_PATTERN", "CRC32C", "DUALCAST"})
    void anUndeclaredOpIsRefusedNamingTheMissingOpForEveryEngine(DmaOpKind op) {
        FakeCandidate other = candidate("fill-only", ExecutionKind.SOFTWARE, 1 << 20, DmaOpKind.FILL);
        NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class,
            () -> dispatcher.choose(shape(op, 64), List.of(copyOnly, other)));
        String m = e.getMessage();
        assertTrue(m.contains("copy-only: does not support " + op + " (offers [COPY, FILL])"), m);
        assertTrue(m.contains("fill-only: does not support " + op + " (offers [FILL])"), m);
        assertTrue(m.startsWith("no engine can " + op.name().toLowerCase(java.util.Locale.ROOT)), m);
    }

    @Test
    void aBatchWithAnUndeclaredOpNamesItAndItsIndex() {
        NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class,
            () -> dispatcher.chooseForAll(List.of(shape(DmaOpKind.COPY, 64), shape(DmaOpKind.CRC32C, 64)), List.of(copyOnly)));
        assertTrue(e.getMessage().contains("copy-only: op #1 (crc32c 64 bytes of") && e.getMessage().contains("does not support CRC32C"),
            e.getMessage());
        assertEquals("everything", dispatcher.chooseForAll(List.of(shape(DmaOpKind.COPY, 64), shape(DmaOpKind.CRC32C, 64)),
            List.of(copyOnly, everything)).engineName());
    }

    @Test
    void resultValueOpsAreNotSplitButCopiesAre() {
        assertEquals("crc-only", dispatcher.choose(shape(DmaOpKind.CRC32C, 4096), List.of(crcOnly)).engineName());
        String why = dispatcher.rejection(shape(DmaOpKind.CRC32C, 4097), crcOnly);
        assertEquals("length 4097 exceeds its max transfer of 4096 bytes, and a CRC32C is not split (its result is one value"
            + " for the whole range)", why);
        FakeCandidate smallAll = candidate("small", ExecutionKind.HARDWARE, 4096, DmaOpKind.values());
        for (DmaOpKind op : DmaOpKind.values()) {
            String rejection = dispatcher.rejection(shape(op, 8192), smallAll);
            if (op.splittable()) {
                assertNull(rejection, op + " is split into chunks");
                assertEquals(4096, Dispatcher.chunkBytes(shape(op, 8192), smallAll.capabilities()), op.name());
            } else {
                assertTrue(rejection != null && rejection.contains("is not split"), op + ": " + rejection);
            }
        }
    }

    @Test
    void aDualcastNeedsItsSecondDestinationReachableAndAligned() {
        FakeCandidate privateOwner = new FakeCandidate("dev", EngineCapabilities.builder().ops(DmaOpKind.values())
            .directions(Direction.MEM_TO_MEM, Direction.MEM_TO_DEV, Direction.DEV_TO_MEM)
            .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_PRIVATE).build(), sram, false, 0);
        TransferShape toSram = new TransferShape(DmaOpKind.DUALCAST, host, 0, host2, 0, sram, 0, 64, 0, null);
        assertNull(dispatcher.rejection(toSram, privateOwner));
        FakeCandidate notTheOwner = new FakeCandidate("other", EngineCapabilities.builder().ops(DmaOpKind.values())
            .directions(Direction.MEM_TO_MEM, Direction.MEM_TO_DEV).reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW)
            .build(), null, false, 0);
        String why = dispatcher.rejection(toSram, notTheOwner);
        assertTrue(why.contains("cannot reach second destination dev sram: it is private to engine dev"), why);
        TransferShape misaligned = new TransferShape(DmaOpKind.DUALCAST, host, 0, host2, 0, sram, 32, 64, 0, null);
        why = dispatcher.rejection(misaligned, privateOwner);
        assertTrue(why.contains("second destination offset 32 is not a multiple of 64"), why);
        FakeCandidate noMemToDev = new FakeCandidate("m2m", EngineCapabilities.builder().ops(DmaOpKind.values())
            .directions(Direction.MEM_TO_MEM).reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_PRIVATE).build(), sram, false, 0);
        why = dispatcher.rejection(toSram, noMemToDev);
        assertTrue(why.contains("does not support direction MEM_TO_DEV to the second destination"), why);
    }

    @Test
    void aShapeRefusesAMissingOrSurplusEnd() {
        assertThrows(IllegalArgumentException.class, () -> new TransferShape(DmaOpKind.COMPARE, null, 0, host, 0, 64, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new TransferShape(DmaOpKind.CRC32C, host, 0, host2, 0, 64, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new TransferShape(DmaOpKind.DUALCAST, host, 0, host2, 0, 64, 0, null));
        assertThrows(IllegalArgumentException.class,
            () -> new TransferShape(DmaOpKind.COPY, host, 0, host2, 0, host3, 0, 64, 0, null));
    }

    private TransferShape shape(DmaOpKind op, long lengthBytes) {
        DmaLocation source = op.hasSource() ? host : null;
        return new TransferShape(op, source, 0, host2, 0, op == DmaOpKind.DUALCAST ? host3 : null, 0, lengthBytes, 0, null);
    }

    private static FakeCandidate candidate(String name, ExecutionKind execution, int maxTransferBytes, DmaOpKind... ops) {
        return new FakeCandidate(name, EngineCapabilities.builder().ops(ops).directions(Direction.MEM_TO_MEM)
            .reaches(LocationKind.HOST_MEMORY)
            .addressing(execution == ExecutionKind.SOFTWARE ? AddressingMode.CPU_VIRTUAL : AddressingMode.IOVA)
            .execution(execution).maxTransferBytes(maxTransferBytes).build(), null, false, 0);
    }
}
