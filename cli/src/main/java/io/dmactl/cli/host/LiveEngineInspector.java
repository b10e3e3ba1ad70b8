package io.dmactl.cli.host;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.device.VfioDeviceSource;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciSysfs;

import java.util.Objects;
import java.util.Optional;

/**
 * A DMA runtime with only {@code provider}, over the devices bound to vfio-pci in {@code sysfs};
 * the engine's self-description is read and the runtime closed again (which quiesces the engine
 * and unmaps everything).
 */
public final class LiveEngineInspector implements EngineInspector {

    /** Enough for any engine's rings and completion records; the pool takes memory lazily. */
    private static final long POOL_LIMIT_BYTES = 64L << 20;

    private final PciSysfs sysfs;

    public LiveEngineInspector(PciSysfs sysfs) {
        this.sysfs = Objects.requireNonNull(sysfs, "sysfs");
    }

    @Override
    public EngineInfo inspect(PciDevice device, DmaProvider provider) {
        try (DmaRuntime runtime = RuntimeInternals.deviceSource(DmaRuntime.builder().discoverProviders(false).provider(provider),
                new VfioDeviceSource(sysfs)).poolLimitBytes(POOL_LIMIT_BYTES).build()) {
            Optional<String> address = Optional.of(device.address().toString());
            return runtime.engines().stream().filter(engine -> engine.device().equals(address)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("provider '" + provider.name() + "' opened no engine for "
                            + device.address() + (runtime.diagnostics().isEmpty() ? ""
                            : ": " + String.join("; ", runtime.diagnostics()))));
        }
    }
}
