package io.dmactl.core.engine;

import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An engine that declares an op its channels do not implement is refused when it opens, naming both. */
class CapabilityCheckOpsTest {

    /** Implements copy and fill only: the new ops fall to DmaChannel's throwing defaults. */
    private static class CopyFillChannel implements DmaChannel {
        @Override
        public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            return NO_SPACE;
        }

        @Override
        public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            return NO_SPACE;
        }

        @Override
        public void submit() {
        }

        @Override
        public int poll(CompletionBatch out) {
            out.clear();
            return 0;
        }

        @Override
        public int capacity() {
            return 2;
        }

        @Override
        public int index() {
            return 0;
        }

        @Override
        public CompletionInterrupt interrupt() {
            return null;
        }
    }

    private static final class CrcChannel extends CopyFillChannel {
        @Override
        public long enqueueCrc32c(int space, long address, int lengthBytes, int seed, int flags) {
            return NO_SPACE;
        }
    }

    private static DmaEngine engine(DmaChannel channel, DmaOpKind... ops) {
        return engine(AddressingMode.CPU_VIRTUAL, channel, ops);
    }

    private static DmaEngine engine(AddressingMode addressing, DmaChannel channel, DmaOpKind... ops) {
        EngineCapabilities caps = EngineCapabilities.builder().ops(ops).directions(Direction.MEM_TO_MEM)
            .reaches(LocationKind.HOST_MEMORY).addressing(addressing).execution(ExecutionKind.SOFTWARE)
            .ringSize(2).build();
        return new DmaEngine() {
            @Override
            public EngineCapabilities capabilities() {
                return caps;
            }

            @Override
            public DmaChannel channel(int index) {
                return channel;
            }

            @Override
            public void reset() {
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aDeclaredOpWithoutItsEnqueueCallIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> CapabilityCheck.verify("liar", engine(new CopyFillChannel(), DmaOpKind.COPY, DmaOpKind.CRC32C), null, List.of()));
        assertEquals("liar: declares CRC32C but channel 0 (" + CopyFillChannel.class.getName()
            + ") does not implement enqueueCrc32c", e.getMessage());
        e = assertThrows(IllegalStateException.class,
            () -> CapabilityCheck.verify("liar", engine(new CrcChannel(), DmaOpKind.CRC32C, DmaOpKind.DUALCAST), null, List.of()));
        assertEquals("liar: declares DUALCAST but channel 0 (" + CrcChannel.class.getName()
            + ") does not implement enqueueDualcast", e.getMessage());
    }

    @Test
    void declaredOpsThatAreImplementedPass() {
        assertDoesNotThrow(() -> CapabilityCheck.verify("honest", engine(new CrcChannel(), DmaOpKind.COPY, DmaOpKind.FILL,
            DmaOpKind.CRC32C), null, List.of()));
        assertDoesNotThrow(() -> CapabilityCheck.verify("copy-only", engine(new CopyFillChannel(), DmaOpKind.COPY), null, List.of()));
    }

    @Test
    void physicalAddressingIsAcceptedOnlyInAPhysicalDomain() {
        DmaEngine physical = engine(AddressingMode.PHYSICAL, new CopyFillChannel(), DmaOpKind.COPY);
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> CapabilityCheck.verify("uio", physical, null, List.of()));
        assertTrue(e.getMessage().contains("--no-iommu"), e.getMessage());
        assertThrows(IllegalStateException.class,
            () -> CapabilityCheck.verify("uio", physical, new io.dmactl.core.sim.FakeIommuDomain("iommu"), List.of()));
        assertDoesNotThrow(() -> CapabilityCheck.verify("uio", physical,
            new io.dmactl.core.memory.PhysicalDomain(new io.dmactl.vfio.Pagemap(java.nio.file.Path.of("/nonexistent"))), List.of()));
    }
}
