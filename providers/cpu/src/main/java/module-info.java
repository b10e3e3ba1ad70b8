/**
 * The cpu DMA provider, a service of {@code io.dmactl.core} found with {@link java.util.ServiceLoader}
 * (through {@code provides} on the module path, {@code META-INF/services} on the class path).
 * Its package is exported only to the command line, whose raw-engine benchmark drives the
 * descriptor ring directly.
 */
@SuppressWarnings("module") // io.dmactl.cli is built after this module
module io.dmactl.provider.cpu {
    requires io.dmactl.core;

    exports io.dmactl.provider.cpu to io.dmactl.cli;

    provides io.dmactl.core.spi.DmaProvider with io.dmactl.provider.cpu.CpuProvider;
}
