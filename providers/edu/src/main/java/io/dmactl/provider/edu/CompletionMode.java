package io.dmactl.provider.edu;

import java.util.Locale;

/** How the edu engine learns that a DMA finished (provider option {@code edu.completion}). */
public enum CompletionMode {
    /** The device raises MSI 0 (INTERRUPT_STATUS 0x100) on a VFIO eventfd; the core's worker sleeps on it. */
    MSI,
    /**
     * The device raises legacy INTx (QEMU's edu does when MSI is off) on a VFIO eventfd. vfio-pci
     * masks the level-triggered line after each interrupt, so after every completion the channel
     * acknowledges INTERRUPT_STATUS (which lowers the line) and then unmasks INTx.
     */
    INTX,
    /** No interrupt: the core's worker polls DMA_COMMAND's START bit. */
    POLL;

    /** Parses an option value ("msi", "intx" or "poll", any case); anything else is refused naming the value. */
    static CompletionMode parse(String key, String value) {
        for (CompletionMode mode : values()) {
            if (mode.name().equalsIgnoreCase(value.strip())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("option " + key + "=" + value + " must be msi, intx or poll");
    }

    String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
