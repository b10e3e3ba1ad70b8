package io.dmactl.core.engine;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.memory.IommuDomain;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one-time check of an opened engine against what it declared: the runtime refuses engines
 * whose channels, interrupts, spaces or ops (a declared op whose enqueue call the channel does not
 * implement) contradict their capabilities, so nothing downstream has
 * to second-guess them.
 */
final class CapabilityCheck {

    private CapabilityCheck() {
    }

    static void verify(String engineName, DmaEngine engine, IommuDomain domain, List<DevicePrivateSpace> spaces) {
        EngineCapabilities caps = engine.capabilities();
        if (caps == null) {
            throw new IllegalStateException(engineName + ": capabilities() returned null");
        }
        boolean hasDomain = domain != null;
        // An IOVA engine in a physical domain (UIO) is given physical addresses as its IOVAs: the
        // same driver code over either. A PHYSICAL engine needs such a domain.
        if (caps.addressing() == AddressingMode.PHYSICAL && (domain == null || !domain.physical())) {
            throw new IllegalStateException(engineName + ": declares PHYSICAL addressing but its device is not in a "
                + "physical (no-IOMMU, UIO) domain; bind it to uio_pci_generic and opt in (--no-iommu)");
        }
        // SHARED_VIRTUAL needs no domain, and the core maps nothing for it even when it has one.
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
            for (DmaOpKind op : caps.ops()) {
                String method = enqueueMethod(channel.getClass(), op);
                if (method != null) {
                    throw new IllegalStateException(engineName + ": declares " + op + " but channel " + i + " ("
                        + channel.getClass().getName() + ") does not implement " + method);
                }
            }
        }
    }

    /**
     * The name of the enqueue call of {@code op} when {@code type} leaves it to {@link DmaChannel}'s
     * default (which throws: the core would call it for a declared op), else null.
     */
    private static String enqueueMethod(Class<?> type, DmaOpKind op) {
        String name = switch (op) {
            case COPY, FILL -> null; // abstract in DmaChannel: every channel has them
            case COMPARE -> "enqueueCompare";
            case COMPARE_PATTERN -> "enqueueComparePattern";
            case CRC32C -> "enqueueCrc32c";
            case DUALCAST -> "enqueueDualcast";
        };
        if (name == null) {
            return null;
        }
        for (java.lang.reflect.Method declared : DmaChannel.class.getMethods()) {
            if (declared.getName().equals(name)) {
                try {
                    return type.getMethod(name, declared.getParameterTypes()).getDeclaringClass() == DmaChannel.class ? name : null;
                } catch (NoSuchMethodException e) {
                    throw new AssertionError(type + " lacks public " + name, e); // it implements DmaChannel
                }
            }
        }
        throw new AssertionError("DmaChannel has no " + name);
    }
}
