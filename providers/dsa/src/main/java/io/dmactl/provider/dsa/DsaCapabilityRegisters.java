package io.dmactl.provider.dsa;

/**
 * BAR0 capability registers of a DSA device, read-only: DSA architecture specification (Intel
 * 341204), chapter "Registers", sections on the Version, General Capabilities (GENCAP), Work Queue
 * Capabilities (WQCAP), Group Capabilities (GRPCAP), Engine Capabilities (ENGCAP), Operations
 * Capabilities (OPCAP) and Table Offsets registers. Section numbers were not checked against the
 * PDF here (not reachable from this machine); offsets and fields agree with Linux's
 * drivers/dma/idxd/registers.h and DPDK's drivers/dma/idxd.
 */
final class DsaCapabilityRegisters {
    /** VERSION: major in bits 7:4, minor in 3:0 (32-bit). */
    static final long VERSION = 0x00;
    /** GENCAP (64-bit). */
    static final long GENCAP = 0x10;
    static final long GENCAP_BLOCK_ON_FAULT = 1L;
    static final long GENCAP_OVERLAP_COPY = 1L << 1;
    static final int GENCAP_MAX_XFER_SHIFT_SHIFT = 16;
    static final long GENCAP_MAX_XFER_SHIFT_MASK = 0x1f;
    static final int GENCAP_MAX_BATCH_SHIFT_SHIFT = 21;
    static final long GENCAP_MAX_BATCH_SHIFT_MASK = 0xf;
    /** GENCAP bit 31: groups, engines and queues are configurable (CONFIGURATION SUPPORT). */
    static final long GENCAP_CONFIG_EN = 1L << 31;
    /** WQCAP (64-bit): total WQ size 15:0, number of WQs 23:16, WQCFG size 27:24, dedicated mode 49. */
    static final long WQCAP = 0x20;
    static final long WQCAP_TOTAL_SIZE_MASK = 0xffff;
    static final int WQCAP_NUM_WQS_SHIFT = 16;
    static final long WQCAP_NUM_WQS_MASK = 0xff;
    static final int WQCAP_WQCFG_SIZE_SHIFT = 24;
    static final long WQCAP_WQCFG_SIZE_MASK = 0xf;
    static final long WQCAP_DEDICATED_MODE = 1L << 49;
    /** GRPCAP (64-bit): number of groups 7:0. */
    static final long GRPCAP = 0x30;
    static final long GRPCAP_NUM_GROUPS_MASK = 0xff;
    /** ENGCAP (64-bit): number of engines 7:0. */
    static final long ENGCAP = 0x38;
    static final long ENGCAP_NUM_ENGINES_MASK = 0xff;
    /** OPCAP: 256 bits, bit n set when opcode n is supported (four 64-bit words). */
    static final long OPCAP = 0x40;
    /**
     * Table offsets (64-bit): GRPCFG 15:0, WQCFG 31:16, MSI-X permissions 47:32, IMS 63:48, each
     * in units of {@link #TABLE_OFFSET_UNIT_BYTES} from BAR0.
     */
    static final long TABLE_OFFSET = 0x60;
    static final int TABLE_OFFSET_UNIT_BYTES = 0x100;

    private DsaCapabilityRegisters() {
    }

    static long field(long register, int shift, long mask) {
        return (register >>> shift) & mask;
    }

    static boolean opSupported(long[] opcap, int opcode) {
        return (opcap[opcode >>> 6] & (1L << (opcode & 63))) != 0;
    }
}
