/**
 * The generic DMA core: {@code io.dmactl.core} (the runtime, transfers and results),
 * {@code io.dmactl.core.location} (buffers, device windows, device-private spaces) and
 * {@code io.dmactl.core.spi} (what a provider implements and what the core offers it).
 * Completion, dispatch, engine, device and memory internals stay inside the module.
 * Providers are found with {@link java.util.ServiceLoader}.
 */
module io.dmactl.core {
    requires transitive io.dmactl.vfio;

    exports io.dmactl.core;
    exports io.dmactl.core.location;
    exports io.dmactl.core.spi;

    uses io.dmactl.core.spi.DmaProvider;
}
