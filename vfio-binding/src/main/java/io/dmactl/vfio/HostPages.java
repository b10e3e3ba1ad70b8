package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Page-aligned, populated and locked host memory for DMA.
 *
 * <p>The pages are faulted in at allocation ({@code MAP_POPULATE}) and locked ({@code mlock}) so
 * they are resident before any device is told their address; {@link VfioContainer#mapDma} then
 * pins them for the IOMMU. The mapping is {@code MAP_SHARED} so that a {@code fork} of this
 * process can never turn the pages copy-on-write under a device's feet.
 *
 * <p>{@link #segment()} is a view tied to this object's arena: after {@link #close()} every
 * access through it fails instead of touching unmapped memory. Close only after every DMA
 * mapping of these pages is gone ({@link VfioContainer#unmapDma}).
 */
public final class HostPages implements AutoCloseable {
    private static final Path HUGE_2M_FREE = Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final String MEMFD_NAME = "dmactl-hostpages";

    private final Arena arena;
    private final MemorySegment segment;
    private final long address;
    private final long lengthBytes;
    private final PageKind kind;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HostPages(long address, long lengthBytes, PageKind kind) {
        this.address = address;
        this.lengthBytes = lengthBytes;
        this.kind = kind;
        this.arena = Arena.ofShared();
        this.segment = MemorySegment.ofAddress(address).reinterpret(lengthBytes, arena, null);
    }

    /**
     * Maps, populates and locks {@code lengthBytes} of memory.
     *
     * @param lengthBytes a positive multiple of {@code kind.pageSizeBytes()}
     * @param kind base pages or 2 MiB hugepages
     * @return the locked memory; close it to unmap
     * @throws IllegalArgumentException if the length is not such a multiple (nothing is allocated)
     * @throws IllegalStateException    for {@link PageKind#HUGE_2M} when too few 2 MiB hugepages are free
     * @throws NativeCallException      if mapping or locking fails (e.g. {@code RLIMIT_MEMLOCK})
     */
    public static HostPages allocate(long lengthBytes, PageKind kind) {
        Objects.requireNonNull(kind, "kind");
        long pageBytes = kind.pageSizeBytes();
        if (lengthBytes <= 0 || lengthBytes % pageBytes != 0) {
            throw new IllegalArgumentException("lengthBytes " + lengthBytes + " is not a positive multiple of the "
                    + kind + " page size (" + pageBytes + " bytes)");
        }
        if (kind == PageKind.HUGE_2M) {
            long needed = lengthBytes / pageBytes;
            long free = freeHugePages2M();
            if (free < needed) {
                throw new IllegalStateException("HUGE_2M: " + lengthBytes + " bytes need " + needed
                        + " free 2 MiB hugepages but only " + free + " are free (" + HUGE_2M_FREE + "); reserve more, e.g. "
                        + "'echo " + needed + " > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages', or use NORMAL pages");
            }
        }
        String subject = "host memory (" + kind + " pages)";
        long address = kind == PageKind.HUGE_2M ? mapHuge2M(lengthBytes, subject) : mapNormal(lengthBytes, subject);
        try {
            LibC.mlock(address, lengthBytes, subject, memlockHint());
        } catch (RuntimeException e) {
            try {
                LibC.munmap(address, lengthBytes, subject);
            } catch (RuntimeException unmapFailure) {
                e.addSuppressed(unmapFailure);
            }
            throw e;
        }
        return new HostPages(address, lengthBytes, kind);
    }

    private static long mapNormal(long lengthBytes, String subject) {
        return LibC.mmap(lengthBytes, Native.PROT_READ() | Native.PROT_WRITE(),
                Native.MAP_SHARED() | Native.MAP_ANONYMOUS() | Native.MAP_POPULATE(), -1, 0, subject, null);
    }

    private static long mapHuge2M(long lengthBytes, String subject) {
        int fd = LibC.memfdCreate(MEMFD_NAME, Native.MFD_CLOEXEC() | Native.MFD_HUGETLB() | Native.MFD_HUGE_2MB());
        try {
            LibC.ftruncate(fd, lengthBytes, subject);
            // hugetlbfs reserves the pages at mmap time, so a shortage shows up here as ENOMEM.
            return LibC.mmap(lengthBytes, Native.PROT_READ() | Native.PROT_WRITE(),
                    Native.MAP_SHARED() | Native.MAP_POPULATE(), fd, 0, subject,
                    "are enough 2 MiB hugepages free? see " + HUGE_2M_FREE);
        } finally {
            // The mapping keeps the memfd's pages alive; the fd itself is no longer needed.
            LibC.close(fd, MEMFD_NAME);
        }
    }

    private static String memlockHint() {
        long limit = LibC.memlockLimitBytes();
        String shown = limit == -1 ? "unlimited" : limit + " bytes";
        return "RLIMIT_MEMLOCK is " + shown + " and locked DMA memory counts against it; "
                + "raise it ('ulimit -l', LimitMEMLOCK= in systemd) or run with CAP_IPC_LOCK";
    }

    /**
     * True if at least one 2 MiB hugepage is free, so {@link PageKind#HUGE_2M} can succeed.
     *
     * @return true if a hugepage is free now
     */
    public static boolean hugePagesAvailable() {
        return freeHugePages2M() > 0;
    }

    /**
     * Free 2 MiB hugepages: the 2 MiB pool's own counter where sysfs has one, else
     * {@code HugePages_Free} from /proc/meminfo when the default hugepage size is 2 MiB.
     */
    private static long freeHugePages2M() {
        try {
            if (Files.isReadable(HUGE_2M_FREE)) {
                return Long.parseLong(Files.readString(HUGE_2M_FREE).strip());
            }
            if (!Files.isReadable(MEMINFO)) {
                return 0;
            }
            return MeminfoHugePages.free2M(Files.readAllLines(MEMINFO));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free hugepage count", e);
        }
    }

    /**
     * The system's base page size in bytes ({@code sysconf(_SC_PAGESIZE)}).
     *
     * @return the page size in bytes
     */
    public static long pageSizeBytes() {
        return PageSize.BYTES;
    }

    /**
     * The memory, valid until {@link #close()}.
     *
     * @return the memory
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * The length in bytes, a multiple of {@code kind().pageSizeBytes()}.
     *
     * @return the length in bytes
     */
    public long lengthBytes() {
        return lengthBytes;
    }

    /**
     * The kind of pages behind the memory.
     *
     * @return the page kind
     */
    public PageKind kind() {
        return kind;
    }

    /** Unlocks and unmaps the memory; a second call does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Invalidate the Java view first so no access can race with the unmap.
        arena.close();
        String subject = "host memory (" + kind + " pages)";
        try {
            LibC.munlock(address, lengthBytes, subject);
        } finally {
            LibC.munmap(address, lengthBytes, subject);
        }
    }

    @Override
    public String toString() {
        return "HostPages[" + lengthBytes + " bytes, " + kind + " pages at 0x" + Long.toHexString(address)
                + (closed.get() ? ", closed" : "") + "]";
    }

    // Read once on first use: the page size cannot change while the process runs.
    private static final class PageSize {
        static final long BYTES = LibC.sysconf(Native._SC_PAGESIZE(), "_SC_PAGESIZE");
    }
}
