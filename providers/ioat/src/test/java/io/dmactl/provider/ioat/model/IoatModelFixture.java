package io.dmactl.provider.ioat.model;

import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.conformance.ProviderFixture;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.provider.ioat.IoatFunction;
import io.dmactl.provider.ioat.IoatProvider;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The real {@link IoatProvider} opened over an {@link IoatDeviceModel} in an emulated IOMMU domain
 * (the core's {@link FakeIommuDomain}), without a runtime: the test (or benchmark) thread owns the
 * channels. Closing closes the engine, its memory and domain, then stops the model's thread.
 */
public final class IoatModelFixture implements EngineFixture {
    private final ProviderFixture fixture;
    private final IoatDeviceModel model;
    private final FakeIommuDomain domain;

    public IoatModelFixture(IoatDeviceModel.Config config, Map<String, String> options) {
        AtomicReference<IoatDeviceModel> made = new AtomicReference<>();
        this.domain = new FakeIommuDomain("ioat-model-iommu");
        try {
            this.fixture = new ProviderFixture(new IoatProvider(modelFactory(config, made)), Optional.empty(), domain, options);
        } catch (RuntimeException e) {
            if (made.get() != null) {
                made.get().shutdown();
            }
            throw e;
        }
        this.model = made.get();
    }

    /** A function factory for {@link IoatProvider} that builds a model in the context's emulated IOMMU domain. */
    public static Function<EngineContext, IoatFunction> modelFactory(IoatDeviceModel.Config config,
                                                                    AtomicReference<IoatDeviceModel> made) {
        return context -> {
            FakeIommuDomain domain = FakeIommuDomain.of(context);
            IoatDeviceModel m = new IoatDeviceModel(context.engineName(), config, domain);
            made.set(m);
            return m;
        };
    }

    public IoatDeviceModel model() {
        return model;
    }

    public FakeIommuDomain domain() {
        return domain;
    }

    public ProviderFixture providerFixture() {
        return fixture;
    }

    @Override
    public DmaEngine engine() {
        return fixture.engine();
    }

    @Override
    public HostRegion allocateHost(int lengthBytes) {
        return fixture.allocateHost(lengthBytes);
    }

    @Override
    public List<DevicePrivateSpace> privateSpaces() {
        return fixture.privateSpaces();
    }

    @Override
    public void close() {
        try {
            fixture.close();
        } finally {
            model.shutdown();
        }
    }
}
