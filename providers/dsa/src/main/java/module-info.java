/**
 * The dsa DMA provider, a service of {@code io.dmactl.core} found with {@link java.util.ServiceLoader}
 * (through {@code provides} on the module path, {@code META-INF/services} on the class path).
 * Its package is exported only to the command line, which lists and describes DSA work queues
 * from sysfs through it.
 * Its page toucher makes a restricted FFM call (a segment over an address, resized): run with
 * {@code --enable-native-access=io.dmactl.vfio,io.dmactl.provider.dsa} on the module path.
 */
@SuppressWarnings("module") // io.dmactl.cli is built after this module
module io.dmactl.provider.dsa {
    requires io.dmactl.core;

    exports io.dmactl.provider.dsa to io.dmactl.cli;

    provides io.dmactl.core.spi.DmaProvider with io.dmactl.provider.dsa.DsaProvider, io.dmactl.provider.dsa.DsaVfioProvider;
}
