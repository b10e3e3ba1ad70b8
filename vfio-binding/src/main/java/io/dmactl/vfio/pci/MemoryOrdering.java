package io.dmactl.vfio.pci;

import java.util.Objects;

/**
 * The one platform check behind dmactl's device memory ordering: the orderings that
 * {@link MmioRegisters} and the drivers' queues promise are proven for x86-64 only, so device
 * memory is not mapped on any other architecture. {@code VfioDevice.mapRegion} calls
 * {@link #requireSupported(String, String)} before it maps a BAR: no register, doorbell, CMB or peer
 * window is touched without it, and host DMA memory reaches no device without a doorbell.
 *
 * <h2>Why x86-64 is right</h2>
 * Intel 64 and IA-32 Architectures Software Developer's Manual, Volume 3A, section "Memory
 * Ordering" (8.2 in the long-standing numbering), subsection "Memory Ordering in P6 and More
 * Recent Processor Families": reads are not reordered with other reads, writes are not reordered
 * with older reads, and writes to memory are not reordered with other writes (exceptions:
 * non-temporal and fast-string stores, and write-combining memory, none of which is used here).
 * Section "Methods of Caching Available" (11.3 there): uncacheable (UC) accesses are not
 * reordered and are performed in program order. VFIO maps BARs uncached ({@code
 * pgprot_noncached}), and DMA memory is ordinary write-back (WB) memory. So the hardware keeps
 * every store to a queue entry or DMA buffer ahead of a later doorbell store, and a status or
 * phase-tag load ahead of later loads of what the device wrote; what is left is the compiler,
 * which Java's release (a doorbell) and acquire (a status) accesses hold: on x86-64 HotSpot emits
 * them as plain {@code mov}s that the JIT may not move past earlier stores / later loads. The one
 * reordering x86 does allow, a later load passing an earlier store, is never relied upon.
 *
 * <h2>Why not elsewhere, yet</h2>
 * On AArch64, POWER or RISC-V, ordering device (MMIO) accesses against normal memory takes
 * barriers that Java's release and acquire do not promise (Linux's {@code writel}/{@code readl}
 * add {@code dma_wmb}/{@code dma_rmb}: {@code DMB OSHST}/{@code DMB OSHLD} on arm64,
 * {@code fence w,o}/{@code fence i,r} on RISC-V). Until those are written and tested there, the
 * mapping is refused with a message saying so, rather than running with orderings that hold only
 * by luck.
 */
public final class MemoryOrdering {
    /** What {@code os.arch} says on x86-64: "amd64" on Linux (HotSpot), "x86_64" elsewhere. */
    private static final String[] X86_64 = {"amd64", "x86_64"};

    private MemoryOrdering() {
    }

    /**
     * Whether device memory ordering is proven for {@code osArch} (a value of {@code os.arch}).
     *
     * @param osArch the architecture, e.g. {@code amd64}
     * @return true for x86-64
     */
    public static boolean supported(String osArch) {
        Objects.requireNonNull(osArch, "osArch");
        for (String arch : X86_64) {
            if (arch.equals(osArch)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refuses device memory on an architecture where the orderings are not proven.
     *
     * @param osArch the architecture, as {@code System.getProperty("os.arch")} names it
     * @param what   what was about to be mapped, for the message
     * @throws UnsupportedOperationException on anything but x86-64
     */
    public static void requireSupported(String osArch, String what) {
        if (!supported(osArch)) {
            throw new UnsupportedOperationException(what + ": refused on " + osArch + ". dmactl orders device "
                + "memory accesses (descriptors, doorbells, status and completion reads) with Java release/acquire "
                + "accesses, which is enough on x86-64 (os.arch amd64 or x86_64) only; on " + osArch
                + " MMIO needs explicit barriers (as Linux's writel/readl add) that dmactl does not issue yet");
        }
    }
}
