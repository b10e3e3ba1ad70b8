package io.dmactl.cli.engines;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.copy.TransferPlan;
import io.dmactl.cli.host.ProviderCatalog;
import io.dmactl.cli.location.WindowSpec;
import io.dmactl.cli.output.UserText;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.device.UioDeviceSource;
import io.dmactl.core.device.VfioDeviceSource;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciSysfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A DMA runtime opened for {@code selftest} and {@code bench}: the providers asked for (all when
 * none is named) with every engine they can open on devices bound to vfio-pci, plus the device
 * windows named with {@code --window}. Everything is checked before the runtime opens; closing
 * the session closes the runtime, its engines and windows.
 */
public final class EngineSession implements AutoCloseable {

    /** A window named on the command line, mapped. */
    public record NamedWindow(WindowSpec spec, DeviceWindow window) {
    }

    private final DmaRuntime runtime;
    private final List<EngineInfo> engines;
    private final List<NamedWindow> windows;

    private EngineSession(DmaRuntime runtime, List<EngineInfo> engines, List<NamedWindow> windows) {
        this.runtime = runtime;
        this.engines = engines;
        this.windows = windows;
    }

    /**
     * @param providerNames only these providers (empty: all on the class path)
     * @param windowSpecs   BARs to map as windows (each checked first)
     * @param poolLimitBytes DMA memory the runtime may lock
     * @param notes         what the runtime said while opening, for --verbose
     * @throws DmactlException NOT_FOUND for an unknown provider or no engine at all, and whatever
     *                         {@link TransferPlan#checkWindow} throws for a window
     */
    public static EngineSession open(PciSysfs sysfs, ProviderCatalog catalog, List<String> providerNames,
                                     List<WindowSpec> windowSpecs, long poolLimitBytes, Consumer<String> notes) {
        return open(sysfs, catalog, providerNames, windowSpecs, poolLimitBytes, false, notes);
    }

    /**
     * @param exclusiveChannels open the engines for a thread that claims their channel itself
     *                          ({@code DmaRuntime.Builder.exclusiveChannels}): bench's raw path
     */
    public static EngineSession open(PciSysfs sysfs, ProviderCatalog catalog, List<String> providerNames,
                                     List<WindowSpec> windowSpecs, long poolLimitBytes, boolean exclusiveChannels,
                                     Consumer<String> notes) {
        return open(sysfs, catalog, providerNames, windowSpecs, poolLimitBytes, exclusiveChannels, false, notes);
    }

    /**
     * @param devicesMayWriteAnywhereInMemory --no-iommu: drive the functions bound to
     *                                        uio_pci_generic (no IOMMU) instead of vfio-pci ones;
     *                                        without it each such function is named in the notes
     *                                        with the reason it is not opened
     */
    public static EngineSession open(PciSysfs sysfs, ProviderCatalog catalog, List<String> providerNames,
                                     List<WindowSpec> windowSpecs, long poolLimitBytes, boolean exclusiveChannels,
                                     boolean devicesMayWriteAnywhereInMemory, Consumer<String> notes) {
        Objects.requireNonNull(notes, "notes");
        List<DmaProvider> providers = new ArrayList<>();
        if (providerNames.isEmpty()) {
            providers.addAll(catalog.providers());
        } else {
            for (String name : providerNames) {
                providers.add(catalog.named(name).orElseThrow(() -> new DmactlException(ExitCodes.NOT_FOUND,
                        "no provider named " + UserText.quote(name) + "; providers: " + String.join(", ", catalog.names()))));
            }
        }
        if (providers.isEmpty()) {
            throw new DmactlException(ExitCodes.NOT_FOUND, "no DMA provider is installed: not even the cpu engine"
                    + " was found on the class path (is cli/target/lib complete?)");
        }
        for (WindowSpec window : windowSpecs) {
            TransferPlan.checkWindow(window, sysfs, catalog);
        }
        DmaRuntime.Builder builder = DmaRuntime.builder().discoverProviders(false)
                .poolLimitBytes(poolLimitBytes)
                .exclusiveChannels(exclusiveChannels);
        RuntimeInternals.deviceSource(builder,
                devicesMayWriteAnywhereInMemory ? UioDeviceSource.over(sysfs, true) : new VfioDeviceSource(sysfs));
        providers.forEach(builder::provider);
        windowSpecs.forEach(window -> builder.deviceWindow(window.device().toString(), window.barIndex()));
        if (!devicesMayWriteAnywhereInMemory) {
            for (PciDevice uio : UioDeviceSource.over(sysfs, false).devices()) {
                notes.accept(uio.address() + " is bound to uio_pci_generic; " + UioDeviceSource.OPT_IN_HINT);
            }
        }
        DmaRuntime runtime = builder.build();
        try {
            runtime.diagnostics().forEach(note -> notes.accept("runtime: " + note));
            List<EngineInfo> usable = new ArrayList<>();
            for (EngineInfo engine : runtime.engines()) {
                if (engine.unavailable().isPresent()) {
                    notes.accept("engine " + engine.name() + " is unavailable: " + engine.unavailable().get());
                } else {
                    usable.add(engine);
                }
            }
            if (usable.isEmpty()) {
                throw new DmactlException(ExitCodes.NOT_FOUND, "no DMA engine could be opened"
                        + (providerNames.isEmpty() ? "" : " by provider " + String.join(", ", providerNames))
                        + (runtime.diagnostics().isEmpty() ? "" : "; the runtime said: " + String.join("; ", runtime.diagnostics())));
            }
            List<NamedWindow> windows = new ArrayList<>();
            for (WindowSpec spec : windowSpecs) {
                DeviceWindow window;
                try {
                    window = runtime.window(spec.device().toString(), spec.barIndex());
                } catch (IllegalArgumentException e) {
                    throw new DmactlException(ExitCodes.UNAVAILABLE, "device window " + spec.device() + "/bar"
                            + spec.barIndex() + " is not available" + (runtime.diagnostics().isEmpty() ? ""
                            : ": " + String.join("; ", runtime.diagnostics())), e);
                }
                if (spec.offsetBytes() >= window.lengthBytes()) {
                    throw new DmactlException(ExitCodes.USAGE, "window " + spec + ": offset 0x"
                            + Long.toHexString(spec.offsetBytes()) + " is past its end (" + window.lengthBytes() + " bytes)");
                }
                windows.add(new NamedWindow(spec, window));
            }
            return new EngineSession(runtime, List.copyOf(usable), List.copyOf(windows));
        } catch (RuntimeException e) {
            try {
                runtime.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure); // what the user asked for failed first: report that
            }
            throw e;
        }
    }

    public DmaRuntime runtime() {
        return runtime;
    }

    /** The engines that take work, in the order the runtime opened them. */
    public List<EngineInfo> engines() {
        return engines;
    }

    public List<NamedWindow> windows() {
        return windows;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
