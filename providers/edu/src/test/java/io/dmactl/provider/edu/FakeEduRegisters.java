package io.dmactl.provider.edu;

import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.vfio.pci.MmioRegisters;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Plain native memory in place of edu's BAR0, filled with a sentinel byte so that any register
 * write shows; the test plays the device by clearing DMA_COMMAND's START bit.
 */
final class FakeEduRegisters implements AutoCloseable {
    static final byte SENTINEL = (byte) 0xa5;
    /** An MSI that never fires: the channel tests complete ops by polling DMA_COMMAND. */
    static final CompletionInterrupt NO_INTERRUPT = new CompletionInterrupt() {
        @Override
        public boolean await(long timeoutNanos) {
            return false;
        }

        @Override
        public void wakeup() {
        }
    };
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private final MemorySegment bar = arena.allocate(EduRegisters.BAR_BYTES, 4096);
    private final MmioRegisters mmio = new MmioRegisters(bar, "fake edu BAR0", EduEngine.REGISTER_POLL_PAUSE_NANOS);

    FakeEduRegisters() {
        bar.fill(SENTINEL);
    }

    MmioRegisters mmio() {
        return mmio;
    }

    long reg64(long offset) {
        return bar.get(U64, offset);
    }

    int reg32(long offset) {
        return bar.get(U32, offset);
    }

    void set64(long offset, long value) {
        bar.set(U64, offset, value);
    }

    void set32(long offset, int value) {
        bar.set(U32, offset, value);
    }

    /** Whether no byte of the BAR was written since construction (or since {@link #resetSentinel}). */
    boolean untouched() {
        for (long i = 0; i < bar.byteSize(); i += Long.BYTES) {
            if (bar.get(ValueLayout.JAVA_LONG, i) != 0xa5a5a5a5a5a5a5a5L) {
                return false;
            }
        }
        return true;
    }

    void resetSentinel() {
        bar.fill(SENTINEL);
    }

    /** The device finishing the running DMA: clears START (edu.c clears it after moving the data). */
    void finishDma() {
        long command = reg64(EduRegisters.DMA_COMMAND);
        assertNotEquals(0, command & EduRegisters.DMA_CMD_START, "no DMA is running: DMA_COMMAND 0x" + Long.toHexString(command));
        set64(EduRegisters.DMA_COMMAND, command & ~EduRegisters.DMA_CMD_START);
    }

    @Override
    public void close() {
        arena.close();
    }
}
