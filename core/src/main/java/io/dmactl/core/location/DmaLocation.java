package io.dmactl.core.location;

/**
 * A place bytes can be moved from or to. Clients name locations and offsets; they never see a
 * physical or bus address. The core resolves a location into the address space of the engine
 * that serves a transfer (IOVA, CPU pointer, or device-local offset).
 *
 * <p>Reachability: host buffers are reachable by every engine; a device window by the cpu engine
 * and by engines whose IOMMU domain can map device memory (peer to peer); a device-private space
 * only by the engine that owns it.
 */
public sealed interface DmaLocation permits DmaBuffer, DeviceWindow, DevicePrivateSpace {

    /**
     * Bytes addressable in this location; valid offsets are {@code [0, lengthBytes)}.
     *
     * @return the length in bytes
     */
    long lengthBytes();

    /**
     * What kind of location this is, which decides which engines can reach it.
     *
     * @return the kind
     */
    LocationKind kind();

    /**
     * A human-readable name for messages: "buffer#3", "ivshmem BAR2", "edu@0000:00:04.0 buffer".
     *
     * @return the name
     */
    String name();

    /**
     * Name, kind and length, for error messages.
     *
     * @return a description for messages
     */
    default String describe() {
        return name() + " (" + kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
            + ", " + lengthBytes() + " bytes)";
    }
}
