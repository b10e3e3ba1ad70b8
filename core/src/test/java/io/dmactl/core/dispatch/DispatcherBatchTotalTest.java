package io.dmactl.core.dispatch;

import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.sim.FakeCandidate;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A batch's total length decides software or hardware; the lengths come from the client, so
 * the sum must not wrap: 2 x 2^62 bytes is far above the threshold, not negative (below it).
 */
class DispatcherBatchTotalTest {

    @Test
    void aBatchWhoseLengthsSumPastLongMaxValueIsStillLarge() {
        // Buffers that only describe memory: the dispatcher reads lengths, never the bytes.
        MemorySegment huge = MemorySegment.ofAddress(1L << 40).reinterpret(1L << 62);
        DmaBuffer a = LocationInternals.newBuffer(1, huge, 1L << 62, true, b -> { });
        DmaBuffer b = LocationInternals.newBuffer(2, huge, 1L << 62, true, x -> { });
        FakeCandidate cpu = new FakeCandidate("cpu", caps(ExecutionKind.SOFTWARE, AddressingMode.CPU_VIRTUAL), null, false, 0);
        FakeCandidate dma = new FakeCandidate("dma", caps(ExecutionKind.HARDWARE, AddressingMode.IOVA), null, false, 0);
        Dispatcher d = new Dispatcher(new DispatchPolicy(List.of(), 4096));
        List<TransferShape> ops = List.of(copy(a, b, 1L << 62), copy(b, a, 1L << 62));
        assertEquals("dma", d.chooseForAll(ops, List.of(cpu, dma)).engineName(), "2^63 bytes in all is above the threshold");
        assertEquals("cpu", d.chooseForAll(List.of(copy(a, b, 100), copy(b, a, 100)), List.of(dma, cpu)).engineName(),
            "200 bytes in all is below it");
    }

    private static TransferShape copy(DmaBuffer source, DmaBuffer destination, long length) {
        return new TransferShape(DmaOpKind.COPY, source, 0, destination, 0, length, 0, null);
    }

    private static EngineCapabilities caps(ExecutionKind execution, AddressingMode addressing) {
        return EngineCapabilities.builder().ops(DmaOpKind.COPY).reaches(LocationKind.HOST_MEMORY).addressing(addressing)
            .execution(execution).alignmentBytes(1).maxTransferBytes(1 << 20).directions(Direction.MEM_TO_MEM).build();
    }
}
