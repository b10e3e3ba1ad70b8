package io.dmactl.core.sim;

import io.dmactl.core.memory.IommuDomain;
import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;

import java.util.Objects;

/**
 * Provider of the simulated ring device (test scope; not registered with ServiceLoader, add it
 * with {@code DmaRuntime.Builder.provider}). Needs an emulated {@link FakeIommuDomain}.
 */
public final class SimProvider implements DmaProvider {
    private final SimConfig config;
    private final SimControl control;
    private final DeviceRequirement devices;
    private volatile SimEngine lastEngine;

    public SimProvider(SimConfig config, SimControl control) {
        this(config, control, DeviceRequirement.none());
    }

    /** A simulated device provider that, like a real one, claims PCI functions matching {@code devices}. */
    public SimProvider(SimConfig config, SimControl control, DeviceRequirement devices) {
        this.config = Objects.requireNonNull(config, "config");
        this.control = Objects.requireNonNull(control, "control");
        this.devices = Objects.requireNonNull(devices, "devices");
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public DeviceRequirement devices() {
        return devices;
    }

    @Override
    public DmaEngine open(EngineContext context) {
        if (devices.needsDevice() && context.pciDevice().isEmpty()) {
            throw new IllegalStateException(config.name() + " drives PCI devices but the context has none");
        }
        IommuDomain domain = IommuDomain.of(context).orElseThrow(() -> new IllegalStateException(
            config.name() + " needs an emulated IOMMU (DmaRuntime.Builder.emulatedIommu)"));
        if (!(domain instanceof FakeIommuDomain fake)) {
            throw new IllegalStateException(config.name() + " needs a FakeIommuDomain, got " + domain.name());
        }
        if (config.privateSpaceBytes() > 0) {
            context.declarePrivateSpace("sram", config.privateSpaceBytes(), config.alignmentBytes());
        }
        SimEngine engine = new SimEngine(context.engineName(), config, control, fake);
        lastEngine = engine;
        return engine;
    }

    /** The engine opened last, for tests that look at the device's SRAM. */
    public SimEngine lastEngine() {
        return lastEngine;
    }

    public SimControl control() {
        return control;
    }
}
