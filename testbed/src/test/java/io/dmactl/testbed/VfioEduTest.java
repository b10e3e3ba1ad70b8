package io.dmactl.testbed;

import io.dmactl.vfio.DeviceInfo;
import io.dmactl.vfio.EventFd;
import io.dmactl.vfio.HostPages;
import io.dmactl.vfio.IommuInfo;
import io.dmactl.vfio.IovaRange;
import io.dmactl.vfio.IrqInfo;
import io.dmactl.vfio.NativeCallException;
import io.dmactl.vfio.PageKind;
import io.dmactl.vfio.RegionInfo;
import io.dmactl.vfio.VfioContainer;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.VfioGroup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Drives QEMU's edu device through the vfio-binding layer: container, group, device, BAR0,
 * config space, DMA mapping (proved by letting edu copy through it) and an MSI on an eventfd.
 * Register facts from QEMU's docs/specs/edu.rst.
 */
@Tag("testbed")
class VfioEduTest {
    private static final int EDU_VENDOR = 0x1234;
    private static final int EDU_DEVICE = 0x11e8;
    private static final long EDU_BAR0_BYTES = 1L << 20;

    // edu BAR0 registers
    private static final long IDENTIFICATION = 0x00; // RO: 0xRRrr00ed, major.minor 1.0
    private static final int EDU_IDENT = 0x010000ed;
    private static final long LIVENESS = 0x04;       // RW: reads back the bitwise inverse of what was written
    private static final long IRQ_STATUS = 0x24;     // RO
    private static final long IRQ_RAISE = 0x60;      // WO: ORs the value into IRQ_STATUS and raises the interrupt
    private static final long IRQ_ACK = 0x64;        // WO: clears those bits of IRQ_STATUS
    private static final long DMA_SOURCE = 0x80;
    private static final long DMA_DESTINATION = 0x88;
    private static final long DMA_COUNT = 0x90;
    private static final long DMA_COMMAND = 0x98;    // bit 0 start (clears when done), bit 1 direction
    private static final long DMA_START = 1;
    private static final long DMA_EDU_TO_RAM = 2;
    private static final long EDU_BUFFER = 0x40000;  // the device's own 4 KiB buffer, in its address space
    private static final long EDU_DMA_LIMIT = 1L << 28; // edu masks DMA addresses to 28 bits
    // QEMU 7.2's edu range check rejects a transfer that ends exactly at the end of its 4 KiB
    // buffer, with a hardware error that stops the whole VM; stay well inside it.
    private static final int EDU_DMA_BYTES = 2048;

    private static final long TWO_MIB = 2L << 20;
    private static final long MSI_WINDOW_START = 0xfee00000L;
    private static final long MSI_WINDOW_END = 0xfeefffffL;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle MMIO32 = U32.varHandle();
    private static final VarHandle MMIO64 = U64.varHandle();

    private record Edu(String pciAddress, int group) {
    }

    private static Edu findEdu() throws Exception {
        List<SysfsPciFunction> edus = SysfsPciFunction.withIds(EDU_VENDOR, EDU_DEVICE);
        if (edus.isEmpty()) {
            fail("no edu device (PCI 1234:11e8) in /sys/bus/pci/devices: is this the testbed guest?");
        }
        SysfsPciFunction edu = edus.getFirst();
        int group = edu.iommuGroup().orElseThrow(
                () -> new AssertionError("edu " + edu.address() + " has no iommu_group: is the IOMMU on?"));
        return new Edu(edu.address(), group);
    }

    // MMIO: volatile accesses so each is a single, unreordered load or store of the register.
    private static int read32(MemorySegment bar, long offset) {
        return (int) MMIO32.getVolatile(bar, offset);
    }

    private static void write32(MemorySegment bar, long offset, int value) {
        MMIO32.setVolatile(bar, offset, value);
    }

    private static long read64(MemorySegment bar, long offset) {
        return (long) MMIO64.getVolatile(bar, offset);
    }

    private static void write64(MemorySegment bar, long offset, long value) {
        MMIO64.setVolatile(bar, offset, value);
    }

    @Test
    void opensEduReadsIdentAndLivenessAndConfigSpace() throws Exception {
        Edu edu = findEdu();
        try (VfioContainer container = VfioContainer.open()) {
            VfioGroup group = container.attachGroup(edu.group());
            assertEquals(edu.group(), group.number());
            VfioDevice device = group.openDevice(edu.pciAddress());

            DeviceInfo info = device.info();
            assertTrue(info.isPci(), "flags 0x" + Integer.toHexString(info.flags()));
            assertTrue(info.numRegions() >= 9, "regions " + info.numRegions());
            assertTrue(info.numIrqs() >= 3, "irqs " + info.numIrqs());

            RegionInfo bar0 = device.regionInfo(VfioDevice.BAR0_REGION);
            assertEquals(EDU_BAR0_BYTES, bar0.sizeBytes());
            assertTrue(bar0.readable() && bar0.writable() && bar0.mappable(), "BAR0 flags 0x"
                    + Integer.toHexString(bar0.flags()));
            assertEquals(0, device.regionInfo(VfioDevice.BAR0_REGION + 1).sizeBytes(), "edu has no BAR1");
            assertEquals(0, device.regionInfo(VfioDevice.VGA_REGION).sizeBytes(), "edu is no VGA device");
            RegionInfo configRegion = device.regionInfo(VfioDevice.CONFIG_REGION);
            assertEquals(256, configRegion.sizeBytes(), "edu is a conventional PCI device");
            assertEquals(configRegion.sizeBytes(), device.configSizeBytes());

            MemorySegment mmio = device.mapRegion(VfioDevice.BAR0_REGION);
            assertEquals(EDU_BAR0_BYTES, mmio.byteSize());
            assertEquals(mmio, device.mapRegion(VfioDevice.BAR0_REGION), "a second map returns the same segment");
            assertEquals(EDU_IDENT, read32(mmio, IDENTIFICATION),
                    "ident 0x" + Integer.toHexString(read32(mmio, IDENTIFICATION)));
            for (int value : new int[] {0x12345678, 0, 0xa5a5a5a5}) {
                write32(mmio, LIVENESS, value);
                assertEquals(~value, read32(mmio, LIVENESS), "liveness after writing 0x" + Integer.toHexString(value));
            }

            assertEquals(EDU_VENDOR, device.configRead16(0x00));
            assertEquals(EDU_DEVICE, device.configRead16(0x02));
            assertEquals(EDU_DEVICE << 16 | EDU_VENDOR, device.configRead32(0x00));
            device.enableBusMaster();
            assertTrue((device.configRead16(0x04) & 0x4) != 0, "bus master bit not set: command 0x"
                    + Integer.toHexString(device.configRead16(0x04)));
            assertThrows(IllegalArgumentException.class, () -> device.configRead32((int) device.configSizeBytes()));

            IrqInfo msi = device.irqInfo(VfioDevice.MSI);
            assertTrue(msi.count() >= 1 && msi.eventFdCapable(), msi.toString());
            assertEquals(0, device.irqInfo(VfioDevice.MSIX).count(), "edu has no MSI-X");
            assertEquals(0, device.irqInfo(VfioDevice.ERR).count(), "edu is no PCIe device, so no AER");
            assertTrue(device.irqInfo(VfioDevice.REQ).eventFdCapable(), device.irqInfo(VfioDevice.REQ).toString());
        }
    }

    @Test
    void validIovaRangesExcludeTheMsiWindowAndEduCopiesThroughAMappedBuffer() throws Exception {
        Edu edu = findEdu();
        try (VfioContainer container = VfioContainer.open()) {
            VfioDevice device = container.attachGroup(edu.group()).openDevice(edu.pciAddress());
            IommuInfo iommu = container.iommuInfo();
            assertFalse(iommu.validIovaRanges().isEmpty(), "no valid IOVA ranges reported");
            assertTrue((iommu.iovaPageSizes() & 4096) != 0, "4 KiB IOMMU pages: 0x" + Long.toHexString(iommu.iovaPageSizes()));
            for (IovaRange range : iommu.validIovaRanges()) {
                boolean overlapsMsi = Long.compareUnsigned(range.start(), MSI_WINDOW_END) <= 0
                        && Long.compareUnsigned(range.endInclusive(), MSI_WINDOW_START) >= 0;
                assertFalse(overlapsMsi, "valid range " + range + " overlaps the MSI window");
            }
            long iova = pickIova(iommu, TWO_MIB);

            PageKind kind = HostPages.hugePagesAvailable() ? PageKind.HUGE_2M : PageKind.NORMAL;
            try (HostPages pages = HostPages.allocate(TWO_MIB, kind)) {
                MemorySegment memory = pages.segment();
                long before = iommu.dmaMappingsAvailable().orElse(-1);
                container.mapDma(memory, iova, true, true);
                iommu.dmaMappingsAvailable().ifPresent(available ->
                        assertEquals(available - 1, container.iommuInfo().dmaMappingsAvailable().orElseThrow(),
                                "one mapping made, one fewer available (was " + before + ")"));

                IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                        () -> container.mapDma(memory, iova + TWO_MIB - 4096, true, false));
                assertTrue(overlap.getMessage().contains("overlaps"), overlap.getMessage());

                // Proof that the IOVA reaches these pages: edu copies RAM -> its buffer -> RAM + 1 MiB.
                for (int i = 0; i < EDU_DMA_BYTES; i += 4) {
                    memory.set(U32, i, 0xed000000 | i);
                }
                MemorySegment mmio = device.mapRegion(VfioDevice.BAR0_REGION);
                device.enableBusMaster();
                eduDma(mmio, iova, EDU_BUFFER, EDU_DMA_BYTES, 0);
                eduDma(mmio, EDU_BUFFER, iova + (1L << 20), EDU_DMA_BYTES, DMA_EDU_TO_RAM);
                for (int i = 0; i < EDU_DMA_BYTES; i += 4) {
                    assertEquals(0xed000000 | i, memory.get(U32, (1L << 20) + i), "byte " + i + " after the round trip");
                }

                container.unmapDma(iova, TWO_MIB);
                IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                        () -> container.unmapDma(iova, TWO_MIB));
                assertTrue(again.getMessage().contains("no DMA mapping"), again.getMessage());

                IllegalArgumentException msiWindow = assertThrows(IllegalArgumentException.class,
                        () -> container.mapDma(memory, MSI_WINDOW_START, true, true));
                assertTrue(msiWindow.getMessage().contains("valid IOVA range"), msiWindow.getMessage());
                assertThrows(IllegalArgumentException.class, () -> container.mapDma(memory, iova + 512, true, true));
                assertThrows(IllegalArgumentException.class, () -> container.mapDma(memory, iova, false, false));
            }
        }
    }

    /** The lowest 2 MiB-aligned IOVA from 2 MiB up that fits a valid range and edu's 28-bit mask. */
    private static long pickIova(IommuInfo iommu, long lengthBytes) {
        for (long iova = TWO_MIB; iova + lengthBytes <= EDU_DMA_LIMIT; iova += TWO_MIB) {
            if (iommu.isValidIova(iova, lengthBytes)) {
                return iova;
            }
        }
        throw new AssertionError("no IOVA below 2^28 in " + iommu.validIovaRanges());
    }

    private static void eduDma(MemorySegment mmio, long source, long destination, long count, long direction) {
        write64(mmio, DMA_SOURCE, source);
        write64(mmio, DMA_DESTINATION, destination);
        write64(mmio, DMA_COUNT, count);
        write64(mmio, DMA_COMMAND, DMA_START | direction);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((read64(mmio, DMA_COMMAND) & DMA_START) != 0) {
            if (System.nanoTime() - deadline > 0) {
                fail("edu DMA 0x" + Long.toHexString(source) + " -> 0x" + Long.toHexString(destination)
                        + " did not finish within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void msiArrivesOnTheEventFd() throws Exception {
        Edu edu = findEdu();
        try (VfioContainer container = VfioContainer.open();
             EventFd interrupt = EventFd.create()) {
            VfioDevice device = container.attachGroup(edu.group()).openDevice(edu.pciAddress());
            MemorySegment mmio = device.mapRegion(VfioDevice.BAR0_REGION);
            device.enableBusMaster(); // an MSI is a memory write by the device
            device.setIrqEventFds(VfioDevice.MSI, 0, interrupt);

            assertFalse(interrupt.await(0), "signalled before any interrupt was raised");
            write32(mmio, IRQ_RAISE, 0x1);
            assertTrue(interrupt.await(TimeUnit.SECONDS.toNanos(10)), "no MSI within 10 s");
            assertEquals(0x1, read32(mmio, IRQ_STATUS));
            write32(mmio, IRQ_ACK, 0x1);
            assertEquals(0, read32(mmio, IRQ_STATUS));

            device.disableIrqs(VfioDevice.MSI);
            write32(mmio, IRQ_RAISE, 0x2);
            assertFalse(interrupt.await(TimeUnit.MILLISECONDS.toNanos(300)), "MSI delivered after disableIrqs");
            write32(mmio, IRQ_ACK, 0x2);

            IllegalArgumentException vectors = assertThrows(IllegalArgumentException.class,
                    () -> device.setIrqEventFds(VfioDevice.MSI, 64, interrupt));
            assertTrue(vectors.getMessage().contains("do not exist"), vectors.getMessage());
        }
    }

    @Test
    void errorsNameWhatWentWrong() throws Exception {
        Edu edu = findEdu();
        try (VfioContainer container = VfioContainer.open()) {
            NativeCallException missing = assertThrows(NativeCallException.class, () -> container.attachGroup(999));
            assertEquals("open on /dev/vfio/999 failed: ENOENT (2) No such file or directory", missing.getMessage());

            IllegalStateException noIommu = assertThrows(IllegalStateException.class, container::iommuInfo);
            assertTrue(noIommu.getMessage().contains("attach a group"), noIommu.getMessage());

            VfioGroup group = container.attachGroup(edu.group());
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> container.attachGroup(edu.group()));
            assertTrue(twice.getMessage().contains("already attached"), twice.getMessage());

            IllegalArgumentException notInGroup = assertThrows(IllegalArgumentException.class,
                    () -> group.openDevice("0000:00:1f.7"));
            assertTrue(notInGroup.getMessage().contains("not in IOMMU group " + edu.group()), notInGroup.getMessage());

            VfioDevice device = group.openDevice(edu.pciAddress());
            IllegalArgumentException region = assertThrows(IllegalArgumentException.class, () -> device.regionInfo(99));
            assertTrue(region.getMessage().contains("region index 99"), region.getMessage());

            if (device.info().canReset()) {
                device.reset();
                assertEquals(EDU_VENDOR, device.configRead16(0));
            } else {
                NativeCallException reset = assertThrows(NativeCallException.class, device::reset);
                assertTrue(reset.getMessage().startsWith("ioctl(VFIO_DEVICE_RESET) on device " + edu.pciAddress()),
                        reset.getMessage());
            }
        }
    }

    @Test
    void closingTheContainerClosesEverythingAndFreesTheGroup() throws Exception {
        Edu edu = findEdu();
        MemorySegment mmio;
        VfioDevice device;
        try (HostPages pages = HostPages.allocate(TWO_MIB, PageKind.NORMAL)) {
            VfioContainer container = VfioContainer.open();
            try {
                device = container.attachGroup(edu.group()).openDevice(edu.pciAddress());
                mmio = device.mapRegion(VfioDevice.BAR0_REGION);
                container.mapDma(pages.segment(), pickIova(container.iommuInfo(), TWO_MIB), true, true);
            } finally {
                container.close(); // with the mapping still in place: close must unmap it
            }
            container.close();
            assertTrue(container.toString().contains("closed"), container.toString());
        }
        assertThrows(IllegalStateException.class, () -> read32(mmio, IDENTIFICATION));
        assertThrows(IllegalStateException.class, () -> device.configRead16(0));

        // Everything was released: a new container can take the same group and device again.
        try (VfioContainer again = VfioContainer.open()) {
            VfioDevice reopened = again.attachGroup(edu.group()).openDevice(edu.pciAddress());
            assertEquals(EDU_IDENT, read32(reopened.mapRegion(VfioDevice.BAR0_REGION), IDENTIFICATION));
        }
    }
}
