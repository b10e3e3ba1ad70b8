package io.dmactl.testbed.edu;

import io.dmactl.vfio.VfioDevice;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The test's own reads of edu's DMA registers, outside the driver under test. edu keeps them
 * readable, so they show what a driver last wrote there, and a test can prove that a refused
 * request wrote none. Reading them has no side effect. Offsets from QEMU's docs/specs/edu.rst.
 *
 * <p>Two ways in: through the VFIO device the test opened itself, or, while no one holds the
 * device through VFIO, through sysfs {@code resource0} (once vfio-pci claims the BAR the kernel
 * refuses and revokes such mappings, CONFIG_IO_STRICT_DEVMEM).
 */
final class EduRegisterView implements AutoCloseable {
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final long INTERRUPT_STATUS = 0x24;
    private static final long DMA_SOURCE = 0x80;
    private static final long DMA_DESTINATION = 0x88;
    private static final long DMA_COUNT = 0x90;
    private static final long DMA_COMMAND = 0x98;
    private static final long VIEW_BYTES = 4096;

    private final Arena arena;
    private final MemorySegment registers;

    /** The DMA registers and the interrupt status at one moment. */
    record Snapshot(long source, long destination, long count, long command, int interruptStatus) {
        @Override
        public String toString() {
            return String.format("DMA_SOURCE 0x%x DMA_DESTINATION 0x%x DMA_COUNT %d DMA_COMMAND 0x%x INTERRUPT_STATUS 0x%x",
                source, destination, count, command, interruptStatus);
        }
    }

    private EduRegisterView(Arena arena, MemorySegment registers) {
        this.arena = arena;
        this.registers = registers;
    }

    /** BAR0 of a device the test opened through VFIO (the same mapping the engine uses). */
    static EduRegisterView of(VfioDevice device) {
        return new EduRegisterView(null, device.mapRegion(VfioDevice.BAR0_REGION));
    }

    /** BAR0 through sysfs; only while no process holds the device through VFIO. */
    static EduRegisterView ofSysfs(String pciAddress) throws IOException {
        Path resource = Path.of("/sys/bus/pci/devices", pciAddress, "resource0");
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(resource, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new EduRegisterView(arena, channel.map(FileChannel.MapMode.READ_WRITE, 0, VIEW_BYTES, arena));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    Snapshot snapshot() {
        return new Snapshot((long) U64.getVolatile(registers, DMA_SOURCE), (long) U64.getVolatile(registers, DMA_DESTINATION),
            (long) U64.getVolatile(registers, DMA_COUNT), (long) U64.getVolatile(registers, DMA_COMMAND),
            (int) U32.getVolatile(registers, INTERRUPT_STATUS));
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
