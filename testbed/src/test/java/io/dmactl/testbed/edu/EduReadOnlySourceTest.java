package io.dmactl.testbed.edu;

import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.memory.DmaAccess;
import io.dmactl.core.memory.DmaMemoryPool;
import io.dmactl.core.memory.IovaMapping;
import io.dmactl.core.memory.IovaMappings;
import io.dmactl.core.memory.VfioIommuDomain;
import io.dmactl.testbed.TestbedEnvironment;
import io.dmactl.vfio.VfioContainer;
import io.dmactl.vfio.VfioDevice;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static io.dmactl.testbed.edu.EduTestbed.DMA_WAIT_SECONDS;
import static io.dmactl.testbed.edu.EduTestbed.EDU_DMA_LIMIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Least privilege in the IOMMU, on the real VT-d path (guest intel-iommu driver, QEMU's
 * intel-iommu model): memory the core maps as a transfer's source is device-read-only, so a
 * device that writes where it should only read is stopped by the IOMMU instead of corrupting it.
 *
 * <p>The source is mapped through the core's own path ({@link IovaMappings} over a
 * {@link VfioIommuDomain}, {@link DmaAccess#DEVICE_READS}: VFIO_IOMMU_MAP_DMA with only
 * VFIO_DMA_MAP_FLAG_READ); edu is driven by raw register writes, with its direction bit set to
 * edu-to-RAM and the read-only IOVA as destination. What can be observed: QEMU 7.2's edu ignores
 * the result of its pci_dma_write and has no error status, so the command completes as usual; the
 * bytes behind the read-only IOVA stay as they were; and for a page whose translation the
 * emulated IOMMU had not cached yet, the guest kernel logs the DMAR write fault for edu and that
 * page. (A page edu just read through sits in QEMU's emulated IOTLB with read-only rights: the
 * write there is dropped as well, but seen on the first run to leave no fault record, so only
 * the source's bytes are checked for it.) The same DMA aimed at a writable mapping lands, so edu
 * did send the bytes.
 */
@Tag("testbed")
class EduReadOnlySourceTest {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle MMIO64 = U64.varHandle();
    // edu BAR0 (QEMU docs/specs/edu.rst)
    private static final long DMA_SOURCE = 0x80;
    private static final long DMA_DESTINATION = 0x88;
    private static final long DMA_COUNT = 0x90;
    private static final long DMA_COMMAND = 0x98;    // bit 0 start (clears when done), bit 1 direction
    private static final long DMA_START = 1;
    private static final long DMA_RAM_TO_EDU = 0;
    private static final long DMA_EDU_TO_RAM = 2;
    private static final long EDU_BUFFER = 0x40000;
    private static final int DMA_BYTES = 1024;
    private static final long STRAY_OFFSET = 0x100;

    @Test
    void eduWritingIntoAReadOnlySourceFaultsInTheIommuAndTheSourceKeepsItsBytes() throws Exception {
        try (VfioContainer container = VfioContainer.open()) {
            VfioDevice device = container.attachGroup(TestbedEnvironment.eduGroup()).openDevice(TestbedEnvironment.eduPci());
            MemorySegment mmio = device.mapRegion(VfioDevice.BAR0_REGION);
            device.enableBusMaster();
            try (DmaMemoryPool pool = new DmaMemoryPool(new ArenaPageSource(4096), 4096, 2L << 20, 2L << 20);
                 IovaMappings mappings = new IovaMappings(new VfioIommuDomain(container))) {
                DmaBuffer source = pool.allocate(2 * 4096);
                DmaBuffer scratch = pool.allocate(4096);
                byte[] original = pattern(2 * 4096, 61);
                write(source.segment(), 0, original);
                IovaMapping readOnly = mappings.acquire(source, source.pages(), EDU_DMA_LIMIT - 1, DmaAccess.DEVICE_READS);
                IovaMapping writable = mappings.acquire(scratch, scratch.pages(), EDU_DMA_LIMIT - 1,
                    DmaAccess.DEVICE_READS_AND_WRITES);
                assertEquals(DmaAccess.DEVICE_READS, readOnly.access());

                // edu may read the source (its first page): RAM -> edu buffer -> scratch brings its bytes over.
                eduDma(mmio, readOnly.iova(), EDU_BUFFER, DMA_BYTES, DMA_RAM_TO_EDU);
                eduDma(mmio, EDU_BUFFER, writable.iova(), DMA_BYTES, DMA_EDU_TO_RAM);
                assertBytes(Arrays.copyOf(original, DMA_BYTES), scratch.segment(), 0,
                    "scratch after edu read the read-only source");

                // Other bytes into edu's buffer, then edu told to write them over the source.
                byte[] stray = pattern(DMA_BYTES, 62);
                write(scratch.segment(), 0, stray);
                eduDma(mmio, writable.iova(), EDU_BUFFER, DMA_BYTES, DMA_RAM_TO_EDU);
                eduDma(mmio, EDU_BUFFER, readOnly.iova() + STRAY_OFFSET, DMA_BYTES, DMA_EDU_TO_RAM); // page edu read
                assertBytes(original, source.segment(), 0, "the read-only source after edu wrote into its first page");
                long kernelLogBefore = KernelLog.lineCount();
                long target = readOnly.iova() + 4096 + STRAY_OFFSET;
                eduDma(mmio, EDU_BUFFER, target, DMA_BYTES, DMA_EDU_TO_RAM); // edu reports nothing wrong either time

                assertBytes(original, source.segment(), 0, "the read-only source after edu wrote into its second page");
                String fault = KernelLog.awaitLine(kernelLogBefore, "fault addr 0x" + Long.toHexString(target >>> 12),
                    TimeUnit.SECONDS.toNanos(10));
                String eduBdf = TestbedEnvironment.eduPci().substring("0000:".length());
                assertTrue(fault.contains("DMAR") && fault.contains(eduBdf) && fault.contains("Write"),
                    "a DMAR write fault naming edu " + eduBdf + ": " + fault);
                System.out.println("guest kernel: " + fault);

                // Control: the same DMA into a writable mapping lands, so edu did emit the writes.
                eduDma(mmio, EDU_BUFFER, writable.iova() + STRAY_OFFSET, DMA_BYTES, DMA_EDU_TO_RAM);
                assertBytes(stray, scratch.segment(), STRAY_OFFSET, "the same DMA into a writable mapping");

                readOnly.release();
                writable.release();
                mappings.forget(source);
                mappings.forget(scratch);
                assertEquals(0, mappings.size(), "the last references gone, both are unmapped");
            }
        }
    }

    private static void eduDma(MemorySegment mmio, long source, long destination, long count, long direction) {
        MMIO64.setVolatile(mmio, DMA_SOURCE, source);
        MMIO64.setVolatile(mmio, DMA_DESTINATION, destination);
        MMIO64.setVolatile(mmio, DMA_COUNT, count);
        MMIO64.setVolatile(mmio, DMA_COMMAND, DMA_START | direction);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DMA_WAIT_SECONDS);
        while (((long) MMIO64.getVolatile(mmio, DMA_COMMAND) & DMA_START) != 0) {
            if (System.nanoTime() - deadline > 0) {
                fail("edu DMA 0x" + Long.toHexString(source) + " -> 0x" + Long.toHexString(destination) + " did not finish");
            }
            Thread.onSpinWait();
        }
    }
}
