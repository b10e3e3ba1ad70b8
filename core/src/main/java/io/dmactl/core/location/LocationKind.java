package io.dmactl.core.location;

/** The three kinds of {@link DmaLocation}; engines declare which kinds they reach. */
public enum LocationKind {
    /** Host memory: {@link DmaBuffer}. */
    HOST_MEMORY,
    /** A BAR, or a page-aligned part of one: {@link DeviceWindow}. */
    DEVICE_WINDOW,
    /** Memory only its own engine reaches, addressed by offset: {@link DevicePrivateSpace}. */
    DEVICE_PRIVATE
}
