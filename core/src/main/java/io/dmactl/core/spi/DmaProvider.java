package io.dmactl.core.spi;

/**
 * A family of DMA engines (cpu, edu, nvme, ...). Found with {@link java.util.ServiceLoader}:
 * list the implementation in {@code META-INF/services/io.dmactl.core.spi.DmaProvider}. Needs a
 * public no-argument constructor and must not touch hardware before {@link #open}.
 */
public interface DmaProvider {

    /**
     * Short, unique, lower case: "cpu", "edu", "nvme". Used for selection and preferences.
     *
     * @return the provider's name
     */
    String name();

    /**
     * The devices this provider drives, or {@link DeviceRequirement#none()}.
     *
     * @return the provider's device requirement
     */
    DeviceRequirement devices();

    /**
     * Opens one engine. For a device provider the context holds the device, already opened in the
     * runtime's VFIO container; the provider brings it to a known state (reset or quiesce), maps
     * what it needs and declares its private spaces through the context.
     *
     * @param context what the runtime gives the engine: its name, device, IOMMU domain, memory and options
     * @return the open engine; the runtime closes it
     * @throws RuntimeException with a clear message if the engine cannot be opened; the runtime
     *                          records it and carries on with the other engines
     */
    DmaEngine open(EngineContext context);
}
