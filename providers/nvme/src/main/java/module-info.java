/**
 * The nvme DMA provider, a service of {@code io.dmactl.core} found with {@link java.util.ServiceLoader}
 * (through {@code provides} on the module path, {@code META-INF/services} on the class path).
 * Nothing is exported: clients reach the engines through the runtime (options by name, e.g.
 * {@code DmaRuntime.Builder.option}).
 */
module io.dmactl.provider.nvme {
    requires io.dmactl.core;

    provides io.dmactl.core.spi.DmaProvider with io.dmactl.provider.nvme.NvmeProvider;
}
