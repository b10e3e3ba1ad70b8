package io.dmactl.core.sim;

import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A simulated ring DMA device behind a fake IOMMU, with an optional private SRAM (space 1). */
public final class SimEngine implements DmaEngine {
    private final EngineCapabilities capabilities;
    private final SimControl control;
    private final Arena arena = Arena.ofShared();
    private final SimChannel[] channels;
    private final SimDevice[] devices;
    private final MemorySegment sram;
    private boolean closed;

    SimEngine(String name, SimConfig config, SimControl control, FakeIommuDomain domain) {
        this.control = control;
        EngineCapabilities.Builder caps = EngineCapabilities.builder()
            .ops(DmaOpKind.values()) // the simulated device runs every op
            .directions(config.memToMem()
                ? new Direction[] {Direction.MEM_TO_MEM, Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV}
                : new Direction[] {Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV})
            .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW)
            .addressing(AddressingMode.IOVA)
            .execution(ExecutionKind.HARDWARE)
            .maxTransferBytes(config.maxTransferBytes())
            .alignmentBytes(config.alignmentBytes())
            .dmaMaskBits(config.dmaMaskBits())
            .ringSize(config.ringSize())
            .channelCount(config.channels())
            .interrupts(config.interrupts())
            .inOrderCompletion(false);
        if (config.privateSpaceBytes() > 0) {
            caps.reaches(LocationKind.DEVICE_PRIVATE);
            sram = arena.allocate(config.privateSpaceBytes(), 64);
        } else {
            sram = null;
        }
        capabilities = caps.build();
        channels = new SimChannel[config.channels()];
        devices = new SimDevice[config.channels()];
        for (int i = 0; i < config.channels(); i++) {
            MemorySegment sq = arena.allocate(config.ringSize() * SimRing.SQE_BYTES, 4096);
            MemorySegment cq = arena.allocate(config.ringSize() * SimRing.CQE_BYTES, 4096);
            MemorySegment registers = arena.allocate(SimRing.REGISTER_BYTES, 64);
            SimInterrupt interrupt = new SimInterrupt();
            devices[i] = new SimDevice("sim-device-" + name + "-" + i, config, control, domain, sram, sq, cq, registers, interrupt);
            channels[i] = new SimChannel(i, config.ringSize(), sq, cq, registers, config.interrupts() ? interrupt : null,
                devices[i], control);
        }
        for (SimDevice device : devices) {
            device.start();
        }
    }

    @Override
    public EngineCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public DmaChannel channel(int index) {
        return channels[index];
    }

    /** The device SRAM (space 1), for tests to inspect what the device wrote; null without one. */
    public MemorySegment sram() {
        return sram;
    }

    /** Whatever the test put in {@link SimControl#fatalCondition}; lock-free like a register read. */
    @Override
    public String fatalCondition() {
        control.fatalChecks.incrementAndGet();
        return control.fatalCondition;
    }

    @Override
    public synchronized void reset() {
        if (closed) {
            throw new IllegalStateException("sim engine closed");
        }
        if (control.failReset) {
            throw new IllegalStateException("injected reset failure: the device does not come back");
        }
        for (SimDevice device : devices) {
            device.halt();
        }
        control.hung = false;
        if (!control.fatalSurvivesReset) {
            control.fatalCondition = null;
        }
        control.visible.set(0);
        for (SimChannel channel : channels) {
            channel.restart();
        }
        control.resets.incrementAndGet();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SimDevice device : devices) {
            device.stop();
        }
        arena.close();
    }
}
