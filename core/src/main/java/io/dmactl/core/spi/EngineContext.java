package io.dmactl.core.spi;

import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciDevice;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What the runtime hands a provider when it opens an engine: the things the runtime owns and the
 * engine may use, and the ways to declare the engine's own locations. Valid until the engine
 * closes; used on the control path only.
 */
public interface EngineContext {

    /**
     * The name the runtime gave the engine, e.g. "cpu" or "edu@0000:00:04.0"; unique in the runtime.
     *
     * @return the engine's name
     */
    String engineName();

    /**
     * The PCI function this engine drives (sysfs snapshot); empty for software engines.
     *
     * @return the PCI function, or empty
     */
    Optional<PciDevice> pciDevice();

    /**
     * The device, opened in the runtime's VFIO container (the domain {@link #hasIommuDomain()}
     * tells of); empty for software engines. The runtime closes it after the engine.
     * The provider maps BARs, enables bus mastering and wires interrupts through it.
     *
     * @return the open device, or empty
     */
    Optional<VfioDevice> vfioDevice();

    /**
     * Whether the engine's device sits in an address domain of the runtime: the IOMMU domain of its
     * VFIO container, or the physical one of a device without an IOMMU (UIO). False for software
     * engines unless the runtime was given an emulated IOMMU for device models. The domain itself
     * stays inside the core: {@link #deviceAddress} maps into it.
     *
     * @return true if the device sits in such a domain
     */
    boolean hasIommuDomain();

    /**
     * The runtime's DMA memory, for the engine's rings, PRP lists, completion records: allocation
     * only (a buffer goes back through {@link #releaseAfterDevice}).
     *
     * @return the runtime's memory, for allocation
     */
    EngineMemory memoryPool();

    /**
     * The address under which this engine reaches {@code buffer} in its bus space (space 0): an
     * IOVA mapped in the engine's domain below 2^dmaMaskBits, or the CPU address for a
     * CPU_VIRTUAL engine. The mapping is device-readable and -writable (descriptor rings,
     * completion areas, PRP lists) and stays until the engine closes. Use it for memory the engine
     * itself owns (rings); client transfers are resolved by the core, which maps a transfer's
     * source device-read-only and its destination device-write-only. A SHARED_VIRTUAL engine
     * reaches its own buffers by CPU address ({@code buffer.segment().address()}) and does not call
     * this (which would map the buffer into the engine's domain when it has one).
     *
     * @param buffer a buffer of {@link #memoryPool()}
     * @param dmaMaskBits the engine's DMA mask width: the address is below 2^dmaMaskBits
     * @return the address in the engine's bus space
     */
    long deviceAddress(DmaBuffer buffer, int dmaMaskBits);

    /**
     * The address under which this engine reaches the device memory behind one of its own private
     * spaces ({@code deviceMemory}: a BAR of its device, already mapped, page-aligned), for a device
     * whose engine addresses its own memory through the bus like any other (the LSI 53C8xx
     * SCRIPTS RAM): an IOVA mapped in the engine's domain below 2^dmaMaskBits, device-readable and
     * -writable, held until the engine closes; for a context without an IOMMU domain, the CPU address.
     * The memory stays a private space: no other engine is handed this address.
     *
     * @param space one of this engine's private spaces
     * @param deviceMemory the BAR behind {@code space}, mapped
     * @param dmaMaskBits the engine's DMA mask width: the address is below 2^dmaMaskBits
     * @return the address in the engine's bus space
     * @throws IllegalArgumentException if {@code space} is not one this engine declared
     * @throws UnsupportedOperationException if the context cannot map device memory
     */
    default long deviceAddress(DevicePrivateSpace space, MemorySegment deviceMemory, int dmaMaskBits) {
        throw new UnsupportedOperationException(engineName() + ": this context maps no device memory of an engine's own");
    }

    /**
     * Gives back a buffer of {@link #memoryPool()} the engine took for itself (rings, PRP lists)
     * once that is safe: the runtime closes it only after the engine's device is closed (it can no
     * longer master the bus) and the mappings {@link #deviceAddress} made for the engine are
     * dropped, so its pages are never handed out again while still mapped for the device. Call it
     * from {@link DmaEngine#close()} (or a failed open) instead of closing the buffer, and only once
     * the device was seen to stop using it; memory a device may still use is not given back at all.
     * The default, for contexts with no device of their own, closes the buffer at once.
     *
     * @param buffer a buffer of {@link #memoryPool()}
     */
    default void releaseAfterDevice(DmaBuffer buffer) {
        buffer.close();
    }

    /**
     * Declares memory only this engine reaches (space ids are assigned 1, 2, ... in call order).
     *
     * @param name the name, unique per engine, for messages and {@link io.dmactl.core.DmaRuntime#privateSpace}
     * @param lengthBytes the space's size in bytes
     * @param granularityBytes offsets and lengths must be multiples of it (power of two)
     * @return the declared space
     */
    DevicePrivateSpace declarePrivateSpace(String name, long lengthBytes, int granularityBytes);

    /**
     * Exposes part of the engine's own device memory (e.g. a controller memory buffer BAR, already
     * mapped) as a location other engines and the CPU can use. Page-aligned address and length.
     *
     * @param name the window's name, for messages
     * @param mapped the mapped device memory
     * @return the declared window
     */
    DeviceWindow declareWindow(String name, MemorySegment mapped);

    /**
     * The runtime's monotonic clock in nanoseconds (tests may substitute it).
     *
     * @return the clock
     */
    LongSupplier nanoClock();

    /**
     * A provider option given to the runtime builder, e.g. "cpu.channels".
     *
     * @param key the option's name, e.g. "cpu.channels"
     * @param defaultValue the value when the option is not set
     * @return the value, or {@code defaultValue} when it was not set
     */
    String option(String key, String defaultValue);

    /**
     * An int option; a value that is not an int is refused with the key and the value in the message.
     *
     * @param key the option's name, e.g. "cpu.channels"
     * @param defaultValue the value when the option is not set
     * @return the value, or {@code defaultValue}
     */
    default int intOption(String key, int defaultValue) {
        String text = option(key, null);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + "=" + text + " is not an integer", e);
        }
    }
}
