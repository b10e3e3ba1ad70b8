/**
 * The generic DMA core: {@code io.dmactl.core} (the runtime, transfers and results),
 * {@code io.dmactl.core.location} (buffers, device windows, device-private spaces) and
 * {@code io.dmactl.core.spi} (what a provider implements and what the core offers it).
 * Completion, dispatch, engine, device, memory and telemetry internals stay inside the module.
 * Providers are found with {@link java.util.ServiceLoader}.
 */
@SuppressWarnings("module") // the qualified exports name io.dmactl.cli, built after this module
module io.dmactl.core {
    requires transitive io.dmactl.vfio;
    requires jdk.jfr; // the dmactl events (io.dmactl.core.telemetry), off unless a recording enables them

    exports io.dmactl.core;
    exports io.dmactl.core.location;
    exports io.dmactl.core.spi;

    // The command line chooses where devices come from (vfio-pci or, opted in, uio_pci_generic;
    // only the devices a copy names) and reads a device source's domain: not client API.
    exports io.dmactl.core.device to io.dmactl.cli;
    exports io.dmactl.core.memory to io.dmactl.cli;
    exports io.dmactl.core.internal to io.dmactl.cli;

    uses io.dmactl.core.spi.DmaProvider;
}
