package io.dmactl.provider.dsa.model;

import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.conformance.ProviderFixture;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.provider.dsa.DsaVfioProvider;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The real {@link DsaVfioProvider} opened over a {@link DsaRegisterModel} (register file plus
 * portals), without a runtime, with an identity IOVA space. Closing closes the engine, then the model.
 */
public final class DsaVfioModelFixture implements EngineFixture {
    private final ProviderFixture fixture;
    private final DsaRegisterModel model;

    public DsaVfioModelFixture(Map<String, String> options) {
        AtomicReference<DsaRegisterModel> made = new AtomicReference<>();
        try {
            this.fixture = new ProviderFixture(new DsaVfioProvider(context -> {
                DsaRegisterModel m = new DsaRegisterModel(context.engineName());
                made.set(m);
                return m;
            }), Optional.empty(), null, options);
        } catch (RuntimeException e) {
            if (made.get() != null) {
                made.get().shutdown();
            }
            throw e;
        }
        this.model = made.get();
    }

    public DsaRegisterModel model() {
        return model;
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
