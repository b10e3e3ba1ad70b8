package io.dmactl.core.memory;

import io.dmactl.core.location.DmaBuffer;
import io.dmactl.vfio.Pagemap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core's resolution in a physical (no-IOMMU) domain, over a pagemap fixture: a sparse file
 * with entries only at the pool buffers' own virtual pages, giving them chosen page frames.
 */
class PhysicalMappingsTest {
    private static final long PRESENT = 1L << 63;
    private static final DmaAccess RW = DmaAccess.DEVICE_READS_AND_WRITES;
    private static final long LIMIT_28_BITS = (1L << 28) - 1; // edu's DMA mask
    @TempDir
    Path dir;
    private Path pagemapFile;
    private IovaMappings mappings;
    private DmaMemoryPool pool;

    @BeforeEach
    void setUp() {
        pagemapFile = dir.resolve("pagemap");
        mappings = new IovaMappings(new PhysicalDomain(new Pagemap(pagemapFile)));
        pool = new DmaMemoryPool(new ArenaPageSource(4096), 4096, 2L << 20, 16L << 20);
    }

    @AfterEach
    void tearDown() {
        pool.close();
        mappings.close();
    }

    /** Gives the buffer's pages the frames {@code frames[i]} in the fixture. */
    private void frames(DmaBuffer buffer, long... frames) throws IOException {
        assertEquals(buffer.pages().byteSize() / 4096, frames.length, "one frame per page");
        try (FileChannel ch = FileChannel.open(pagemapFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < frames.length; i++) {
                ByteBuffer e = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, PRESENT | frames[i]);
                ch.write(e, (buffer.pages().address() / 4096 + i) * 8);
            }
        }
    }

    @Test
    void aContiguousBufferIsAddressedByItsPhysicalAddressAndNothingIsMapped() throws IOException {
        DmaBuffer buffer = pool.allocate(3 * 4096);
        frames(buffer, 0x1000, 0x1001, 0x1002);
        IovaMapping m = mappings.acquire(buffer, buffer.pages(), LIMIT_28_BITS, RW);
        assertEquals(0x100_0000L, m.iova());
        assertEquals(0x100_0000L + 5000, m.busAddress(5000));
        assertTrue(m.wholeLocation());
        m.release();
        mappings.forget(buffer);
        assertEquals(1, mappings.unmapCount());
        assertEquals(0, mappings.size());
    }

    @Test
    void pagesAboveTheEnginesMaskAreRefusedNamingBoth() throws IOException {
        DmaBuffer buffer = pool.allocate(4096);
        frames(buffer, 0x20000); // 512 MiB: above edu's 28-bit mask
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> mappings.acquireRange(buffer, buffer.pages(), 0, 4096, LIMIT_28_BITS, RW));
        assertTrue(e.getMessage().contains("0x20000000") && e.getMessage().contains("0xfffffff"), e.getMessage());
        assertEquals(0, mappings.size(), "nothing registered after a refusal");
        IovaMapping wide = mappings.acquireRange(buffer, buffer.pages(), 0, 4096, -1L, RW);
        assertEquals(0x2000_0000L, wide.iova());
        wide.release();
    }

    @Test
    void aBrokenRunIsSplitIntoTransferWindowsOrRefusedWhereATransferCrossesIt() throws IOException {
        DmaBuffer buffer = pool.allocate(2 * 4096);
        frames(buffer, 0x500, 0x900);
        IovaMapping first = mappings.acquireRange(buffer, buffer.pages(), 100, 200, LIMIT_28_BITS, RW);
        assertFalse(first.wholeLocation(), "only the transfer's page");
        assertEquals(0x50_0000L + 100, first.busAddress(100));
        IovaMapping second = mappings.acquireRange(buffer, buffer.pages(), 4096 + 8, 64, LIMIT_28_BITS, RW);
        assertEquals(0x90_0000L + 8, second.busAddress(4096 + 8));
        IllegalStateException crossing = assertThrows(IllegalStateException.class,
            () -> mappings.acquireRange(buffer, buffer.pages(), 4000, 200, LIMIT_28_BITS, RW));
        assertTrue(crossing.getMessage().contains("not physically contiguous"), crossing.getMessage());
        assertThrows(IllegalStateException.class, () -> mappings.acquire(buffer, buffer.pages(), LIMIT_28_BITS, RW),
            "a ring must be one run");
        first.release();
        second.release();
        assertEquals(0, mappings.size());
    }

    @Test
    void hiddenPhysicalAddressesSayRoot() throws IOException {
        DmaBuffer buffer = pool.allocate(4096);
        frames(buffer, 0); // what the kernel shows a process without CAP_SYS_ADMIN
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> mappings.acquireRange(buffer, buffer.pages(), 0, 4096, -1L, RW));
        assertTrue(e.getMessage().contains("root"), e.getMessage());
    }
}
