package io.dmactl.provider.nvme;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * What this driver reads from the Identify Namespace data structure (NVMe 1.4, 5.15.2.1,
 * figure 245; copy limits from the NVM Command Set 2.0, 4.1.5.1): NSZE bytes 0-7, FLBAS byte 26
 * (format index 3:0), MSSRL bytes 74-75, MCL 76-79, MSRC byte 80 (0's based), LBA formats from
 * byte 128, 4 bytes each, LBADS in bits 23:16.
 *
 * @param blocks                NSZE: size in logical blocks
 * @param blockBytes            the formatted LBA data size
 * @param copySupported         the controller offers Copy (ONCS) and the namespace allows at least one block per range
 * @param maxSingleRangeBlocks  MSSRL (blocks per source range)
 * @param maxSourceRanges       MSRC + 1
 * @param maxCopyBlocks         MCL (blocks per Copy command)
 */
record NvmeNamespace(int nsid, long blocks, int blockBytes, boolean copySupported, int maxSingleRangeBlocks,
                     int maxSourceRanges, int maxCopyBlocks) {
    static final long NSZE = 0;
    static final long FLBAS = 26;
    static final long MSSRL = 74;
    static final long MCL = 76;
    static final long MSRC = 80;
    static final long LBAF = 128;
    /** Bytes of one format-0 source range descriptor (NVM Command Set 2.0, 3.3.1.1). */
    static final int COPY_RANGE_BYTES = 32;
    /** This driver writes a command's source ranges into one page: at most this many per Copy. */
    static final int MAX_COPY_RANGES_PER_PAGE = NvmeRegisters.PAGE_BYTES / COPY_RANGE_BYTES;

    NvmeNamespace {
        if (blocks <= 0) {
            throw new IllegalArgumentException("namespace " + nsid + " has NSZE " + blocks + ": it is not active");
        }
        if (blockBytes < 512 || Integer.bitCount(blockBytes) != 1 || blockBytes > NvmeRegisters.PAGE_BYTES) {
            throw new IllegalArgumentException("namespace " + nsid + " has a " + blockBytes
                + "-byte LBA; this driver handles powers of two in 512..4096");
        }
    }

    long sizeBytes() {
        return blocks * blockBytes;
    }

    /** Source ranges one Copy of this driver may carry: MSRC + 1, but no more than fit in one page. */
    int copyRangesPerCommand() {
        return Math.min(maxSourceRanges, MAX_COPY_RANGES_PER_PAGE);
    }

    /** The longest Copy in bytes the limits allow (MCL, ranges x MSSRL), 0 if Copy is not supported. */
    long maxCopyBytes() {
        if (!copySupported) {
            return 0;
        }
        long blocks = Math.min(Integer.toUnsignedLong(maxCopyBlocks), (long) copyRangesPerCommand() * maxSingleRangeBlocks);
        return blocks * blockBytes;
    }

    static NvmeNamespace parse(int nsid, MemorySegment data, boolean controllerCopy) {
        ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfShort u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        long nsze = data.get(u64, NSZE);
        int format = data.get(ValueLayout.JAVA_BYTE, FLBAS) & 0xf;
        int lbads = (data.get(u32, LBAF + 4L * format) >>> 16) & 0xff;
        int mssrl = data.get(u16, MSSRL) & 0xffff;
        int mcl = data.get(u32, MCL);
        int msrc = data.get(ValueLayout.JAVA_BYTE, MSRC) & 0xff;
        boolean copy = controllerCopy && mssrl > 0 && mcl > 0;
        int blockBytes = lbads >= 9 && lbads <= 16 ? 1 << lbads : 0;
        return new NvmeNamespace(nsid, nsze, blockBytes, copy, mssrl, msrc + 1, mcl);
    }
}
