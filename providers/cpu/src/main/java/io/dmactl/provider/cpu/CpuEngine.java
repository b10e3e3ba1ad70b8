package io.dmactl.provider.cpu;

import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;
import io.dmactl.vfio.AddressSpace;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A software DMA engine with the semantics of hardware: per channel a descriptor ring and a
 * register block in native memory, tickets, a doorbell, and an executor thread that plays the
 * device. Its bus space is this process's virtual address space; the core hands it CPU addresses
 * of live, pinned locations only.
 */
final class CpuEngine implements DmaEngine {
    private final EngineCapabilities capabilities;
    private final Arena arena = Arena.ofShared();
    private final CpuChannel[] channels;
    private final CpuExecutor[] executors;
    private boolean closed;

    CpuEngine(String name, int channelCount, int ringSize) {
        this.capabilities = EngineCapabilities.builder()
            .ops(DmaOpKind.values()) // every op: the reference engine of the conformance suite
            .directions(Direction.MEM_TO_MEM, Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV)
            .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW)
            .addressing(AddressingMode.CPU_VIRTUAL)
            .execution(ExecutionKind.SOFTWARE)
            .maxTransferBytes(Integer.MAX_VALUE)
            .alignmentBytes(1)
            .dmaMaskBits(64)
            .maxSgEntries(1)
            .ringSize(ringSize)
            .channelCount(channelCount)
            .interrupts(true)
            .inOrderCompletion(true)
            .build();
        // The whole address space as one segment: executors address it with raw CPU addresses, so no
        // segment is created per op. Unchecked: the core guarantees every address it hands this
        // engine lies in a live, pinned location.
        MemorySegment all = AddressSpace.all();
        channels = new CpuChannel[channelCount];
        executors = new CpuExecutor[channelCount];
        for (int i = 0; i < channelCount; i++) {
            RingMemory ring = RingMemory.allocate(arena, ringSize);
            SoftInterrupt interrupt = new SoftInterrupt();
            executors[i] = new CpuExecutor("dmactl-" + name + "-executor" + i, all,
                ring.descriptors(), ring.statuses(), ring.results(), ring.registers(), ringSize, interrupt);
            channels[i] = new CpuChannel(i, ring, interrupt, executors[i]);
        }
        for (CpuExecutor executor : executors) {
            executor.start();
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
            throw new IllegalStateException("cpu engine is closed");
        }
        for (CpuExecutor executor : executors) {
            executor.halt();
        }
        for (CpuChannel channel : channels) {
            channel.restartAfterHalt();
        }
    }

    /**
     * An executor that moved COMPLETED outside what its channel published (see
     * {@link DescriptorRingChannel}), or null: one field read per channel while healthy.
     */
    @Override
    public String fatalCondition() {
        for (CpuChannel channel : channels) {
            String fault = channel.ringFault("cpu engine");
            if (fault != null) {
                return fault;
            }
        }
        return null;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (CpuExecutor executor : executors) {
            executor.stop();
        }
        arena.close();
    }
}
