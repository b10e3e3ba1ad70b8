package io.dmactl.core.internal;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.device.DeviceSource;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.memory.DmaMemoryPool;
import io.dmactl.core.memory.IommuDomain;
import io.dmactl.core.memory.PageSource;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What of {@link DmaRuntime} is not public API but tests, device models and the command line need:
 * the IOVA a location is mapped at, the memory pool itself, and the builder's hooks for device
 * sources, page sources and emulated IOMMU domains. This package is not exported by the module
 * {@code io.dmactl.core} (only to {@code io.dmactl.cli}); on the class path it is reachable but is no API.
 */
public final class RuntimeInternals {

    /** Implemented by {@link DmaRuntime}, which registers it when its class is initialized. */
    public interface Access {
        /**
         * Backs {@link RuntimeInternals#iovaOf}.
         *
         * @param runtime    the runtime
         * @param location   a location of that runtime
         * @param engineName the engine whose domain is looked in
         * @return the lowest IOVA within the engine's DMA mask, or empty if not mapped there
         */
        OptionalLong iovaOf(DmaRuntime runtime, DmaLocation location, String engineName);

        /**
         * Backs {@link RuntimeInternals#memoryPool}.
         *
         * @param runtime the runtime
         * @return its memory pool
         */
        DmaMemoryPool memoryPool(DmaRuntime runtime);

        /**
         * Backs {@link RuntimeInternals#deviceSource}.
         *
         * @param builder the builder to set it on
         * @param source  where PCI devices come from
         */
        void deviceSource(DmaRuntime.Builder builder, DeviceSource source);

        /**
         * Backs {@link RuntimeInternals#pageSource}.
         *
         * @param builder the builder to set it on
         * @param source  where the pool's memory comes from
         */
        void pageSource(DmaRuntime.Builder builder, PageSource source);

        /**
         * Backs {@link RuntimeInternals#emulatedIommu}.
         *
         * @param builder the builder to set it on
         * @param domain  the emulated domain; the runtime closes it
         */
        void emulatedIommu(DmaRuntime.Builder builder, IommuDomain domain);
    }

    private static volatile Access access;

    private RuntimeInternals() {
    }

    /**
     * Called once, by {@link DmaRuntime}'s static initializer.
     *
     * @param implementation the runtime's implementation
     * @throws IllegalStateException if one is already registered
     */
    public static void register(Access implementation) {
        if (access != null) {
            throw new IllegalStateException("RuntimeInternals already registered");
        }
        access = Objects.requireNonNull(implementation, "implementation");
    }

    private static Access access() {
        Access a = access;
        if (a == null) {
            try {
                // Any DmaRuntime or Builder instance means the class is initialized; this covers a static call first.
                Class.forName(DmaRuntime.class.getName(), true, DmaRuntime.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            a = access;
        }
        return a;
    }

    /**
     * The lowest IOVA at which {@code location} is mapped in the domain of {@code engineName} within
     * that engine's DMA mask, if it is.
     *
     * @param runtime    the runtime
     * @param location   a location of that runtime
     * @param engineName the engine whose domain is looked in
     * @return the IOVA, or empty if the location is not mapped there
     * @throws IllegalArgumentException if the runtime has no engine named {@code engineName}
     */
    public static OptionalLong iovaOf(DmaRuntime runtime, DmaLocation location, String engineName) {
        return access().iovaOf(runtime, location, engineName);
    }

    /**
     * The runtime's memory pool (it can free and register memory: never hand it to clients or providers).
     *
     * @param runtime the runtime
     * @return its memory pool
     */
    public static DmaMemoryPool memoryPool(DmaRuntime runtime) {
        return access().memoryPool(runtime);
    }

    /**
     * Where PCI devices come from (default: functions bound to vfio-pci, one VFIO container).
     * Consulted only when a provider drives devices or a device window is requested.
     *
     * @param builder the builder to set it on
     * @param source  where PCI devices come from
     * @return {@code builder}
     */
    public static DmaRuntime.Builder deviceSource(DmaRuntime.Builder builder, DeviceSource source) {
        access().deviceSource(builder, source);
        return builder;
    }

    /**
     * Where the pool's memory comes from (default: locked HostPages, hugepages when free).
     *
     * @param builder the builder to set it on
     * @param source  where the pool's memory comes from
     * @return {@code builder}
     */
    public static DmaRuntime.Builder pageSource(DmaRuntime.Builder builder, PageSource source) {
        access().pageSource(builder, source);
        return builder;
    }

    /**
     * An IOMMU domain for device-less providers whose engines address memory by IOVA (in-process
     * device models); the runtime closes it.
     *
     * @param builder the builder to set it on
     * @param domain  the emulated domain
     * @return {@code builder}
     */
    public static DmaRuntime.Builder emulatedIommu(DmaRuntime.Builder builder, IommuDomain domain) {
        access().emulatedIommu(builder, domain);
        return builder;
    }
}
