package io.dmactl.core;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.spi.EngineCapabilities;

import java.util.List;
import java.util.Optional;

/**
 * An open engine, as the runtime reports it.
 *
 * @param name          unique in the runtime: "cpu", "edu@0000:00:04.0"
 * @param provider      the provider that opened it
 * @param device        the PCI address it drives, empty for software engines
 * @param capabilities  what it declared
 * @param privateSpaces the device-private locations it declared
 * @param resets        how often the runtime reset it (watchdog or explicit)
 * @param unavailable   why it takes no work, empty when it does
 * @param deviceErrors  completions and enqueues on which the engine broke the channel contract (a
 *                      completion for a ticket that was not outstanding, ...): each was ignored and
 *                      made the runtime reset the engine
 */
public record EngineInfo(String name, String provider, Optional<String> device, EngineCapabilities capabilities,
                         List<DevicePrivateSpace> privateSpaces, long resets, Optional<String> unavailable,
                         long deviceErrors) {

    /** Copies {@code privateSpaces}. */
    public EngineInfo {
        privateSpaces = List.copyOf(privateSpaces);
    }

    /**
     * An engine that reported no device errors.
     *
     * @param name unique in the runtime
     * @param provider the provider that opened it
     * @param device the PCI address it drives, empty for software engines
     * @param capabilities what it declared
     * @param privateSpaces the device-private locations it declared
     * @param resets how often the runtime reset it
     * @param unavailable why it takes no work, empty when it does
     */
    public EngineInfo(String name, String provider, Optional<String> device, EngineCapabilities capabilities,
                      List<DevicePrivateSpace> privateSpaces, long resets, Optional<String> unavailable) {
        this(name, provider, device, capabilities, privateSpaces, resets, unavailable, 0);
    }
}
