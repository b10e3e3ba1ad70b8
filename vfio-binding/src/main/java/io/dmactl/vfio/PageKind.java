package io.dmactl.vfio;

/** Which pages back a {@link HostPages} allocation. */
public enum PageKind {
    /** The system's base pages (4 KiB on x86-64), from an anonymous shared mapping. */
    NORMAL,
    /**
     * 2 MiB hugetlb pages, from a {@code memfd_create(MFD_HUGETLB | MFD_HUGE_2MB)} file: fewer
     * IOMMU and TLB entries per byte. Needs pages reserved in
     * {@code /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages}.
     */
    HUGE_2M;

    private static final long HUGE_2M_BYTES = 2L * 1024 * 1024;

    /**
     * The size of one page of this kind; allocation lengths must be a multiple of it.
     *
     * @return the page size in bytes
     */
    public long pageSizeBytes() {
        return this == HUGE_2M ? HUGE_2M_BYTES : HostPages.pageSizeBytes();
    }
}
