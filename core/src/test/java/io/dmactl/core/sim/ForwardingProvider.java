package io.dmactl.core.sim;

import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;

import java.util.Objects;

/**
 * A provider that opens another provider's engine and hands it to {@link #wrap}, under a name of
 * its own and with the other provider's devices: the base of test providers that break one thing
 * of a real engine (usually with a {@link ForwardingEngine} over {@link ForwardingChannel}s).
 */
public abstract class ForwardingProvider implements DmaProvider {
    private final String name;
    private final DmaProvider inner;

    protected ForwardingProvider(String name, DmaProvider inner) {
        this.name = Objects.requireNonNull(name, "name");
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final DeviceRequirement devices() {
        return inner.devices();
    }

    @Override
    public final DmaEngine open(EngineContext context) {
        return wrap(inner.open(context), context);
    }

    /** The engine the runtime gets in place of {@code opened}, the inner provider's engine for {@code context}. */
    protected abstract DmaEngine wrap(DmaEngine opened, EngineContext context);
}
