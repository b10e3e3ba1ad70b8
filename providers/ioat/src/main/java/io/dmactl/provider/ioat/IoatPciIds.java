package io.dmactl.provider.ioat;

import io.dmactl.core.spi.PciMatch;

import java.util.ArrayList;
import java.util.List;

/**
 * The PCI device ids of QuickData functions with CBVER 3.x, as facts taken from the id table of
 * Linux's {@code ioatdma} driver ({@code drivers/dma/ioat/init.c}, {@code ioat_pci_tbl}, values from
 * {@code include/linux/pci_ids.h} and {@code drivers/dma/ioat/hw.h}) plus Ice Lake-SP's, which
 * DPDK's and SPDK's tables carry. Vendor is Intel (0x8086). The older v1/v2 ids of that table
 * (5000 series, CNB, SCNB, the SNB 0x402f) are left out: their CBVER is below 3.0 and the engine
 * refuses them anyway.
 */
final class IoatPciIds {
    static final int VENDOR_INTEL = 0x8086;

    /** Tylersburg (I/OAT v3.0). */
    static final int[] TBG = {0x3430, 0x3431, 0x3432, 0x3433, 0x3429, 0x342a, 0x342b, 0x342c};
    /** Jasper Forest (v3.2). */
    static final int[] JSF = {0x3710, 0x3711, 0x3712, 0x3713, 0x3714, 0x3715, 0x3716, 0x3717, 0x3718, 0x3719};
    /** Sandy Bridge-EP, Xeon E5 v1 (v3.2). */
    static final int[] SNB = {0x3c20, 0x3c21, 0x3c22, 0x3c23, 0x3c24, 0x3c25, 0x3c26, 0x3c27, 0x3c2e, 0x3c2f};
    /** Ivy Bridge-EP, Xeon E5/E7 v2 (v3.2). */
    static final int[] IVB = {0x0e20, 0x0e21, 0x0e22, 0x0e23, 0x0e24, 0x0e25, 0x0e26, 0x0e27, 0x0e2e, 0x0e2f};
    /** Haswell-EP, Xeon E5 v3 (v3.2). */
    static final int[] HSW = {0x2f20, 0x2f21, 0x2f22, 0x2f23, 0x2f24, 0x2f25, 0x2f26, 0x2f27, 0x2f2e, 0x2f2f};
    /** Broadwell-EP, Xeon E5 v4 (v3.2). */
    static final int[] BDX = {0x6f20, 0x6f21, 0x6f22, 0x6f23, 0x6f24, 0x6f25, 0x6f26, 0x6f27, 0x6f2e, 0x6f2f};
    /** Skylake-SP (v3.2). */
    static final int[] SKX = {0x2021};
    /** Atom C2000 "Avoton/Rangeley" (BWD, v3.3). */
    static final int[] BWD = {0x0c50, 0x0c51, 0x0c52, 0x0c53};
    /** Broadwell-DE, Xeon D-1500 (same DMA silicon as BWD, v3.3). */
    static final int[] BDXDE = {0x6f50, 0x6f51, 0x6f52, 0x6f53};
    /** Ice Lake-SP (v3.4). */
    static final int[] ICX = {0x0b00};

    private IoatPciIds() {
    }

    /** Every id above, in table order. */
    static int[] all() {
        int[][] groups = {TBG, JSF, SNB, IVB, HSW, BDX, SKX, BWD, BDXDE, ICX};
        int n = 0;
        for (int[] g : groups) {
            n += g.length;
        }
        int[] out = new int[n];
        int i = 0;
        for (int[] g : groups) {
            for (int id : g) {
                out[i++] = id;
            }
        }
        return out;
    }

    /** One vendor:device match per id. */
    static PciMatch[] matches() {
        List<PciMatch> out = new ArrayList<>();
        for (int id : all()) {
            out.add(PciMatch.ofId(VENDOR_INTEL, id));
        }
        return out.toArray(PciMatch[]::new);
    }
}
