package io.dmactl.provider.nvme;

import java.util.Locale;

/** Where the I/O submission queues live (provider option {@code nvme.sq}). */
public enum SubmissionQueuePlacement {
    /** In host DMA memory; the controller fetches entries by DMA. */
    HOST,
    /** In the controller memory buffer: the ring is mapped MMIO, written by the CPU directly. */
    CMB;

    static SubmissionQueuePlacement parse(String value) {
        for (SubmissionQueuePlacement p : values()) {
            if (p.name().equalsIgnoreCase(value.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("option nvme.sq=" + value + " must be host or cmb");
    }

    String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
