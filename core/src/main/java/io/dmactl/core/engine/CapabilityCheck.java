package io.dmactl.core.engine;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.EngineCapabilities;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one-time check of an opened engine against what it declared: the runtime refuses engines
 * whose channels, interrupts or spaces contradict their capabilities, so nothing downstream has
 * to second-guess them.
 */
final class CapabilityCheck {

    private CapabilityCheck() {
    }

    static void verify(String engineName, DmaEngine engine, boolean hasDomain, List<DevicePrivateSpace> spaces) {
        EngineCapabilities caps = engine.capabilities();
        if (caps == null) {
            throw new IllegalStateException(engineName + ": capabilities() returned null");
        }
        if (caps.addressing() == AddressingMode.PHYSICAL) {
            throw new IllegalStateException(engineName + ": PHYSICAL (UIO) addressing is not supported by this runtime yet");
        }
        if (caps.addressing() == AddressingMode.IOVA && !hasDomain) {
            throw new IllegalStateException(engineName + ": declares IOVA addressing but has no IOMMU domain "
                + "(a device-less engine needs DmaRuntime.Builder.emulatedIommu)");
        }
        if (!spaces.isEmpty() && !caps.reaches(LocationKind.DEVICE_PRIVATE)) {
            throw new IllegalStateException(engineName + ": declared " + spaces.size()
                + " private space(s) but its capabilities do not reach DEVICE_PRIVATE");
        }
        Map<DmaChannel, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < caps.channelCount(); i++) {
            DmaChannel channel = engine.channel(i);
            if (channel == null) {
                throw new IllegalStateException(engineName + ": channel(" + i + ") is null; channelCount is " + caps.channelCount());
            }
            Integer other = seen.put(channel, i);
            if (other != null) {
                throw new IllegalStateException(engineName + ": channel(" + i + ") is the same object as channel(" + other + ")");
            }
            if (channel.index() != i) {
                throw new IllegalStateException(engineName + ": channel(" + i + ").index() is " + channel.index());
            }
            if (channel.capacity() != caps.ringSize()) {
                throw new IllegalStateException(engineName + ": channel " + i + " capacity " + channel.capacity()
                    + " differs from ringSize " + caps.ringSize());
            }
            if (caps.interrupts() && channel.interrupt() == null) {
                throw new IllegalStateException(engineName + ": declares interrupts but channel " + i + " has none");
            }
        }
    }
}
