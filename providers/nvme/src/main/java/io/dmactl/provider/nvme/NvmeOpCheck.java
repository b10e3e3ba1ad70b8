package io.dmactl.provider.nvme;

/**
 * Why the channel refused a descriptor (the device code of an {@code INVALID} completion). The
 * core keeps transfers inside the engine's capabilities, so these fire only for a misbehaving
 * caller; each is checked before anything is written to a queue.
 */
final class NvmeOpCheck {
    static final int OK = 0;
    static final int NOT_POSITIVE_LENGTH = 1;
    /** A Read or Write longer than MDTS (or than one PRP list page describes). */
    static final int LONGER_THAN_MAX_TRANSFER = 2;
    static final int NOT_BLOCK_MULTIPLE = 3;
    static final int OUTSIDE_NAMESPACE = 4;
    static final int BUS_ADDRESS_NOT_DWORD_ALIGNED = 5;
    /** Neither a host/bus address and the namespace, nor namespace to namespace. */
    static final int UNSUPPORTED_SPACES = 6;
    /** Namespace to namespace, but the namespace offers no Copy. */
    static final int COPY_UNSUPPORTED = 7;
    /** A fill: NVMe has no pattern write. */
    static final int UNSUPPORTED_OP = 8;
    /** A Copy longer than MCL, or needing more MSSRL-long source ranges than one command carries. */
    static final int LONGER_THAN_MAX_COPY = 9;

    private NvmeOpCheck() {
    }

    /** Checks one end in the namespace: offset and length in whole blocks, inside the namespace. */
    static int checkNamespaceRange(long offset, int lengthBytes, long blockMask, long namespaceBytes) {
        if (((offset | lengthBytes) & blockMask) != 0) {
            return NOT_BLOCK_MULTIPLE;
        }
        if (offset < 0 || offset > namespaceBytes - lengthBytes) {
            return OUTSIDE_NAMESPACE;
        }
        return OK;
    }
}
