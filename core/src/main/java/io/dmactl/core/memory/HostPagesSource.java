package io.dmactl.core.memory;

import io.dmactl.vfio.HostPages;
import io.dmactl.vfio.PageKind;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Locked, populated host memory from vfio-binding's {@link HostPages}: 2 MiB hugepages when the
 * system has free ones (fewer IOMMU and TLB entries), else normal pages.
 */
public final class HostPagesSource implements PageSource {
    private final PageKind kind;

    /**
     * A source of locked host pages of {@code kind}.
     *
     * @param kind base pages or 2 MiB hugepages
     */
    public HostPagesSource(PageKind kind) {
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * Hugepages when at least one 2 MiB page is free, else normal pages.
     *
     * @return the source
     */
    public static HostPagesSource preferHugePages() {
        return new HostPagesSource(HostPages.hugePagesAvailable() ? PageKind.HUGE_2M : PageKind.NORMAL);
    }

    /**
     * The kind of pages this source takes.
     *
     * @return the page kind
     */
    public PageKind kind() {
        return kind;
    }

    /**
     * Hugepages run out at runtime (other processes take them); a chunk then falls back to normal
     * pages, which the pool's lengths (multiples of 2 MiB) always satisfy.
     */
    @Override
    public Pages allocate(long lengthBytes) {
        HostPages pages;
        try {
            pages = HostPages.allocate(lengthBytes, kind);
        } catch (IllegalStateException | io.dmactl.vfio.NativeCallException e) {
            if (kind != PageKind.HUGE_2M) {
                throw e;
            }
            pages = HostPages.allocate(lengthBytes, PageKind.NORMAL);
        }
        HostPages allocated = pages;
        return new Pages() {
            @Override
            public MemorySegment segment() {
                return allocated.segment();
            }

            @Override
            public void close() {
                allocated.close();
            }
        };
    }

    @Override
    public long granuleBytes() {
        return kind.pageSizeBytes();
    }

    @Override
    public String describe() {
        return (kind == PageKind.HUGE_2M ? "2 MiB hugepages (normal pages when none are free)"
            : HostPages.pageSizeBytes() + "-byte pages") + ", locked";
    }
}
