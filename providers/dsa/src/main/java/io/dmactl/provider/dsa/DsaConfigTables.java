package io.dmactl.provider.dsa;

/**
 * The configuration tables at the offsets TABLE_OFFSET gives: Group Configuration (GRPCFG, 64
 * bytes per group) and Work Queue Configuration (WQCFG, 32 &lt;&lt; WQCAP.WQCFG_SIZE bytes per
 * queue), DSA architecture specification (Intel 341204), chapter "Registers", sections on the
 * GRPCFG and WQCFG tables. Byte offsets within one entry.
 */
final class DsaConfigTables {
    static final int GRPCFG_BYTES = 64;
    /** GRPCFG: bitmap of the group's WQs (256 bits, four 64-bit words). */
    static final long GRPCFG_WQS = 0;
    /** GRPCFG: bitmap of the group's engines (64-bit). */
    static final long GRPCFG_ENGINES = 32;
    static final long GRPCFG_FLAGS = 40;

    static final int WQCFG_MIN_BYTES = 32;
    /** WQCFG dword 0: WQ size 15:0. */
    static final long WQCFG_SIZE = 0;
    /** WQCFG dword 1: threshold 15:0 (shared queues). */
    static final long WQCFG_THRESHOLD = 4;
    /** WQCFG dword 2: mode 0 (1 = dedicated), block on fault 1, priority 7:4, PASID 27:8, PASID enable 28, priv 29. */
    static final long WQCFG_MODE = 8;
    static final int WQCFG_MODE_DEDICATED = 1;
    static final int WQCFG_PRIORITY_SHIFT = 4;
    /** WQCFG dword 3: max transfer size shift 4:0, max batch size shift 8:5. */
    static final long WQCFG_LIMITS = 12;
    static final int WQCFG_MAX_BATCH_SHIFT_SHIFT = 5;
    /** WQCFG dword 6: occupancy 15:0, WQ state 31:30 (0 disabled, 1 enabled). */
    static final long WQCFG_STATE = 24;
    static final int WQCFG_STATE_SHIFT = 30;
    static final int WQ_STATE_ENABLED = 1;

    /** Portals (BAR2): four 4 KiB pages per WQ; the first is the unlimited, unprivileged one. */
    static final int PORTAL_PAGE_BYTES = 4096;
    static final int PORTALS_PER_WQ = 4;

    private DsaConfigTables() {
    }

    static long portalOffset(int wq) {
        return (long) wq * PORTALS_PER_WQ * PORTAL_PAGE_BYTES;
    }
}
