package io.dmactl.vfio;

import io.dmactl.vfio.pci.PciResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A function opened through UIO over a fake sysfs directory: regular files stand in for
 * {@code config} and {@code resource0} (pread/pwrite and mmap work on them the same way).
 */
class UioDeviceTest {
    @TempDir
    Path dir;

    private VfioDevice open() throws IOException {
        byte[] config = new byte[256];
        config[0] = (byte) 0x34;
        config[1] = (byte) 0x12;
        config[4] = 0x02; // command: memory space on, bus master off
        Files.write(dir.resolve("config"), config);
        byte[] bar = new byte[4096];
        for (int i = 0; i < bar.length; i++) {
            bar[i] = (byte) (i * 7);
        }
        Files.write(dir.resolve("resource0"), bar);
        PciResource bar0 = new PciResource(0, 0xfe00_0000L, 0xfe00_0fffL, 0x40200);
        return VfioDevice.openUio("0000:00:04.0", dir, List.of(bar0));
    }

    @Test
    void configBusMasterAndIntxMaskGoThroughTheConfigFile() throws IOException {
        try (VfioDevice device = open()) {
            assertTrue(device.isUio());
            assertFalse(device.info().canReset());
            assertEquals(0x1234, device.configRead16(0));
            device.enableBusMaster();
            assertEquals(0x06, Files.readAllBytes(dir.resolve("config"))[4]);
            device.maskIrq(VfioDevice.INTX, 0);
            assertEquals(0x04, Files.readAllBytes(dir.resolve("config"))[5] & 0x04, "Interrupt Disable (bit 10) set");
            device.unmaskIrq(VfioDevice.INTX, 0);
            assertEquals(0, Files.readAllBytes(dir.resolve("config"))[5] & 0x04, "Interrupt Disable cleared");
            device.enableBusMaster();
        }
        assertEquals(0x02, Files.readAllBytes(dir.resolve("config"))[4], "close clears Bus Master (UIO does not)");
        assertEquals(0x04, Files.readAllBytes(dir.resolve("config"))[5] & 0x04, "and masks INTx");
    }

    @Test
    void barIsMappedFromResourceNByteForByte() throws IOException {
        try (VfioDevice device = open()) {
            MemorySegment bar = device.mapRegion(VfioDevice.BAR0_REGION);
            assertEquals(4096, bar.byteSize());
            assertArrayEquals(Files.readAllBytes(dir.resolve("resource0")), bar.toArray(ValueLayout.JAVA_BYTE));
            bar.set(ValueLayout.JAVA_INT_UNALIGNED, 8, 0xcafef00d);
            assertEquals((byte) 0x0d, Files.readAllBytes(dir.resolve("resource0"))[8]);
            assertEquals(0xfe00_0010L, device.barPhysicalAddress(bar.address() + 0x10).getAsLong());
            assertTrue(device.barPhysicalAddress(bar.address() + 4096).isEmpty());
            assertEquals(0, device.regionInfo(VfioDevice.BAR0_REGION + 1).sizeBytes(), "no BAR1");
            assertThrows(VfioException.class, () -> device.mapRegion(VfioDevice.BAR0_REGION + 1));
        }
    }

    @Test
    void onlyIntxAndNoEventFdsNoReset() throws IOException {
        try (VfioDevice device = open(); EventFd fd = EventFd.create()) {
            assertEquals(1, device.irqInfo(VfioDevice.INTX).count());
            assertEquals(0, device.irqInfo(VfioDevice.MSI).count());
            assertEquals(0, device.irqInfo(VfioDevice.MSIX).count());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> device.setIrqEventFds(VfioDevice.INTX, 0, fd));
            assertTrue(e.getMessage().contains("poll"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, device::reset);
        }
    }

    @Test
    void closedDeviceRefusesAndMissingConfigIsReported() throws IOException {
        VfioDevice device = open();
        MemorySegment bar = device.mapRegion(VfioDevice.BAR0_REGION);
        device.close();
        assertThrows(IllegalStateException.class, () -> bar.get(ValueLayout.JAVA_BYTE, 0), "unmapped on close");
        assertThrows(IllegalStateException.class, () -> device.configRead16(0));
        assertThrows(RuntimeException.class, () -> VfioDevice.openUio("0000:00:09.0", dir.resolve("absent"), List.of()));
    }

    @Test
    void intxReadsFromDevUioReachTheTriggerAndAnUnmaskClearsInterruptDisable() throws Exception {
        Files.createDirectories(dir.resolve("uio/uio7"));
        Path dev = Files.createDirectories(dir.resolve("dev"));
        Path uio = dev.resolve("uio7");
        assertEquals(0, new ProcessBuilder("mkfifo", uio.toString()).start().waitFor(), "mkfifo stands in for /dev/uio7");
        open().close(); // writes the config and resource0 files
        PciResource bar0 = new PciResource(0, 0xfe00_0000L, 0xfe00_0fffL, 0x40200);
        try (VfioDevice device = VfioDevice.openUio("0000:00:04.0", dir, List.of(bar0), dev);
             EventFd trigger = EventFd.create(); EventFd unmask = EventFd.create()) {
            assertTrue(device.irqInfo(VfioDevice.INTX).eventFdCapable());
            device.setIrqEventFds(VfioDevice.INTX, 0, trigger);
            device.setIrqUnmaskEventFd(VfioDevice.INTX, 0, unmask);
            assertFalse(trigger.await(50_000_000L), "no interrupt yet");
            device.maskIrq(VfioDevice.INTX, 0); // what uio_pci_generic's handler does
            try (var out = Files.newOutputStream(uio)) {
                out.write(new byte[] {1, 0, 0, 0}); // the kernel's event count
            }
            assertTrue(trigger.await(5_000_000_000L), "the interrupt reached the trigger eventfd");
            assertEquals(0x04, Files.readAllBytes(dir.resolve("config"))[5] & 0x04);
            unmask.signal();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((Files.readAllBytes(dir.resolve("config"))[5] & 0x04) != 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, Files.readAllBytes(dir.resolve("config"))[5] & 0x04, "unmask cleared Interrupt Disable");
            device.disableIrqs(VfioDevice.INTX);
            assertEquals(0x04, Files.readAllBytes(dir.resolve("config"))[5] & 0x04, "disabled INTx stays masked");
            assertThrows(IllegalStateException.class, () -> device.setIrqUnmaskEventFd(VfioDevice.INTX, 0, unmask),
                "no unmask fd without a trigger");
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("dmactl-uio-irq")),
            "the forwarding thread is gone");
    }
}
