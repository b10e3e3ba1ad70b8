package io.dmactl.vfio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Physical addresses of this process's pages, from {@code /proc/self/pagemap}
 * (Documentation/admin-guide/mm/pagemap.rst): one little-endian 64-bit entry per virtual page,
 * bit 63 "present", bits 0-54 the page frame number. Without CAP_SYS_ADMIN the kernel reports
 * every PFN as 0, which is refused here with that reason.
 *
 * <p>For DMA without an IOMMU (UIO): the device is told physical addresses, so the pages must be
 * locked or hugepages ({@link HostPages}), and a buffer is usable as one DMA range only where its
 * pages are physically contiguous ({@link #contiguousPhysicalAddress}). Control path.
 */
public final class Pagemap {
    private static final Path SELF = Path.of("/proc/self/pagemap");
    private static final long PRESENT = 1L << 63;
    private static final long PFN_MASK = (1L << 55) - 1;
    /** pagemap always has one entry per base page (4 KiB on x86-64), hugepages included. */
    public static final long PAGE_BYTES = 4096;

    private final Path file;

    /**
     * Reads {@code file} (a pagemap, or a test fixture in its format).
     *
     * @param file the file to read
     */
    public Pagemap(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /**
     * This process's pagemap.
     *
     * @return the pagemap of {@code /proc/self/pagemap}
     */
    public static Pagemap self() {
        return new Pagemap(SELF);
    }

    /**
     * The physical address of virtual address {@code virtualAddress}.
     *
     * @param virtualAddress a virtual address of this process
     * @return the physical address
     * @throws IllegalStateException if the page is not present, or the kernel hides PFNs (not root)
     */
    public long physicalAddress(long virtualAddress) {
        long entry = entry(virtualAddress / PAGE_BYTES);
        return frameOf(entry, virtualAddress) * PAGE_BYTES + (virtualAddress % PAGE_BYTES);
    }

    /**
     * How many bytes from {@code virtualAddress} (up to {@code lengthBytes}) are physically
     * contiguous: the length of the run starting there.
     *
     * @param virtualAddress a virtual address of this process
     * @param lengthBytes the length in bytes
     * @return the contiguous length in bytes, at least the rest of the first page (capped at {@code lengthBytes})
     */
    public long contiguousBytes(long virtualAddress, long lengthBytes) {
        checkRange(virtualAddress, lengthBytes);
        long firstPage = virtualAddress / PAGE_BYTES;
        long lastPage = (virtualAddress + lengthBytes - 1) / PAGE_BYTES;
        long[] entries = entries(firstPage, lastPage - firstPage + 1);
        long firstFrame = frameOf(entries[0], virtualAddress);
        for (int i = 1; i < entries.length; i++) {
            long va = (firstPage + i) * PAGE_BYTES;
            if (frameOf(entries[i], va) != firstFrame + i) {
                return va - virtualAddress;
            }
        }
        return lengthBytes;
    }

    /**
     * The physical address of {@code [virtualAddress, virtualAddress + lengthBytes)} when all of it
     * is physically contiguous.
     *
     * @param virtualAddress a virtual address of this process
     * @param lengthBytes the length in bytes
     * @return the physical address of the range's start
     * @throws IllegalStateException naming where the run breaks when it is not (split the transfer
     *                               there, or use hugepages), or when a page is absent or hidden
     */
    public long contiguousPhysicalAddress(long virtualAddress, long lengthBytes) {
        long run = contiguousBytes(virtualAddress, lengthBytes);
        if (run != lengthBytes) {
            throw new IllegalStateException("0x" + Long.toHexString(virtualAddress) + " length " + lengthBytes
                + " is not physically contiguous: the run breaks after " + run + " bytes; without an IOMMU a"
                + " DMA range must be one physical run (split it there, or use 2 MiB hugepages)");
        }
        return physicalAddress(virtualAddress);
    }

    private static void checkRange(long virtualAddress, long lengthBytes) {
        if (virtualAddress < 0 || lengthBytes <= 0 || virtualAddress > Long.MAX_VALUE - lengthBytes) {
            throw new IllegalArgumentException("range 0x" + Long.toHexString(virtualAddress) + " length " + lengthBytes
                + " is not a positive range of user addresses");
        }
    }

    private long frameOf(long entry, long virtualAddress) {
        if ((entry & PRESENT) == 0) {
            throw new IllegalStateException("page at 0x" + Long.toHexString(virtualAddress) + " is not present in "
                + file + "; DMA memory must be populated and locked (HostPages) before its address is taken");
        }
        long frame = entry & PFN_MASK;
        if (frame == 0) {
            throw new IllegalStateException(file + " reports page frame 0 for 0x" + Long.toHexString(virtualAddress)
                + ": the kernel hides physical addresses from processes without CAP_SYS_ADMIN; run as root");
        }
        return frame;
    }

    private long entry(long page) {
        return entries(page, 1)[0];
    }

    private long[] entries(long firstPage, long count) {
        if (count > Integer.MAX_VALUE / Long.BYTES) {
            throw new IllegalArgumentException(count + " pages are too many to look up at once");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) count * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = firstPage * Long.BYTES;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position + buffer.position());
                if (n <= 0) {
                    throw new IllegalStateException(file + " has no entry for page 0x" + Long.toHexString(
                        firstPage + buffer.position() / Long.BYTES) + " (short read)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        buffer.flip();
        long[] entries = new long[(int) count];
        buffer.asLongBuffer().get(entries);
        return entries;
    }
}
