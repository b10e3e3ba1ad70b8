package io.dmactl.core.dispatch;

import java.util.List;

/**
 * How the dispatcher ranks engines that can all serve a transfer.
 *
 * @param preferredEngines  engine or provider names, most preferred first
 * @param cpuThresholdBytes transfers shorter than this go to a software engine when one can serve
 *                          them (a doorbell and a completion cost more than a small memcpy);
 *                          at or above it hardware engines are preferred
 */
public record DispatchPolicy(List<String> preferredEngines, long cpuThresholdBytes) {
    /**
     * Below this a ring round trip costs more than copying on the calling core. Measured on the
     * testbed with two engines that both copy host to host (cpu and the LSI SCRIPTS engine,
     * {@code providers/lsi/README.md}): the engines alone are even at 4 KiB, the cpu engine ahead
     * below it and the hardware one from 64 KiB on.
     */
    public static final long DEFAULT_CPU_THRESHOLD_BYTES = 4096;

    /** Copies {@code preferredEngines}; {@code cpuThresholdBytes} must not be negative. */
    public DispatchPolicy {
        preferredEngines = List.copyOf(preferredEngines);
        if (cpuThresholdBytes < 0) {
            throw new IllegalArgumentException("cpuThresholdBytes " + cpuThresholdBytes + " must not be negative");
        }
    }

    /**
     * No preferences, and {@link #DEFAULT_CPU_THRESHOLD_BYTES}.
     *
     * @return the default policy
     */
    public static DispatchPolicy defaults() {
        return new DispatchPolicy(List.of(), DEFAULT_CPU_THRESHOLD_BYTES);
    }
}
