package io.dmactl.cli.host;

import io.dmactl.core.spi.DmaProvider;
import io.dmactl.vfio.pci.PciDevice;

import io.dmactl.provider.dsa.DsaProvider;
import io.dmactl.provider.dsa.DsaSysfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The DMA providers on the class path and which devices they drive, as they declare it
 * (discovered: the dsa provider only on a host with DSA devices under /sys/bus/dsa, or when named)
 * ({@link DmaProvider#devices()}); nothing is opened here. Providers are found with
 * {@link ServiceLoader} the first time they are asked for, so {@code dmactl --help} does not pay
 * for it.
 */
public final class ProviderCatalog {

    private final ServiceLoader<DmaProvider> loader;
    private List<DmaProvider> providers;
    /** Registered but left out of {@link #providers()} on this host (named ones are still found). */
    private List<DmaProvider> absent = List.of();

    private ProviderCatalog(ServiceLoader<DmaProvider> loader, List<DmaProvider> providers) {
        this.loader = loader;
        this.providers = providers;
    }

    /** The providers registered in {@code META-INF/services} on the class path. */
    public static ProviderCatalog discover() {
        return new ProviderCatalog(ServiceLoader.load(DmaProvider.class), null);
    }

    /** Exactly these providers, in this order (for tests and embedding). */
    public static ProviderCatalog of(List<DmaProvider> providers) {
        return new ProviderCatalog(null, List.copyOf(providers));
    }

    /**
     * All providers, in discovery order.
     *
     * @throws IllegalStateException when a registered provider cannot be loaded, naming it
     */
    public synchronized List<DmaProvider> providers() {
        if (providers == null) {
            List<DmaProvider> found = new ArrayList<>();
            try {
                loader.forEach(found::add);
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("a DMA provider on the class path cannot be loaded: " + e.getMessage(), e);
            }
            // The dsa provider needs no vfio device, so the runtime would open it (and warn that it
            // failed) on every machine: on a host without DSA devices it takes part only when named.
            List<DmaProvider> present = new ArrayList<>();
            List<DmaProvider> left = new ArrayList<>();
            boolean dsaHere = !DsaSysfs.scan(Path.of(System.getProperty("dmactl.sysfs", "/sys")).resolve("bus/dsa/devices")).isEmpty();
            for (DmaProvider provider : found) {
                (provider.name().equals(DsaProvider.NAME) && !dsaHere ? left : present).add(provider);
            }
            absent = List.copyOf(left);
            providers = List.copyOf(present);
        }
        return providers;
    }

    /** The provider named {@code name}, empty when none is. */
    public Optional<DmaProvider> named(String name) {
        Objects.requireNonNull(name, "name");
        Optional<DmaProvider> found = providers().stream().filter(provider -> provider.name().equals(name)).findFirst();
        return found.isPresent() ? found : absent.stream().filter(provider -> provider.name().equals(name)).findFirst();
    }

    /** The first provider that declares it drives {@code device}, empty when none does. */
    public Optional<DmaProvider> providerFor(PciDevice device) {
        for (DmaProvider provider : providers()) {
            if (provider.devices().needsDevice()
                    && provider.devices().matches(device.vendorId(), device.deviceId(), device.classCode())) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
    }

    /** Providers that need no device (software engines such as cpu). */
    public List<DmaProvider> softwareProviders() {
        return providers().stream().filter(provider -> !provider.devices().needsDevice()).toList();
    }

    /** Names of all providers, for messages. */
    public List<String> names() {
        return providers().stream().map(DmaProvider::name).toList();
    }
}
