package io.dmactl.bench;

import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;
import io.dmactl.provider.cpu.RingMemory;

import java.lang.foreign.Arena;

/**
 * A benchmark-only engine of {@link NoopChannel}s: the cpu engine's rings ({@link RingMemory}) in
 * native memory owned by the engine's arena, every op completed at submit without moving data. It isolates the cost of
 * the {@link DmaChannel} API (and, under a runtime, of the core) from the cost of any data mover.
 */
final class NoopEngine implements DmaEngine {
    private final EngineCapabilities capabilities;
    private final Arena arena = Arena.ofShared();
    private final NoopChannel[] channels;
    private boolean closed;

    NoopEngine(int channelCount, int ringSize) {
        this.capabilities = EngineCapabilities.builder()
            .ops(DmaOpKind.COPY, DmaOpKind.FILL)
            .directions(Direction.MEM_TO_MEM)
            .reaches(LocationKind.HOST_MEMORY)
            .addressing(AddressingMode.CPU_VIRTUAL)
            .execution(ExecutionKind.SOFTWARE)
            .ringSize(ringSize)
            .channelCount(channelCount)
            .interrupts(false)
            .inOrderCompletion(true)
            .build();
        channels = new NoopChannel[channelCount];
        for (int i = 0; i < channelCount; i++) {
            channels[i] = new NoopChannel(i, RingMemory.allocate(arena, ringSize));
        }
    }

    @Override
    public EngineCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public DmaChannel channel(int index) {
        if (index < 0 || index >= channels.length) {
            throw new IndexOutOfBoundsException("channel " + index + " outside 0.." + (channels.length - 1));
        }
        return channels[index];
    }

    @Override
    public synchronized void reset() {
        if (closed) {
            throw new IllegalStateException("noop engine is closed");
        }
        for (NoopChannel channel : channels) {
            channel.restart();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
    }
}
