package io.dmactl.bench;

import io.dmactl.core.conformance.EngineFixture.HostRegion;
import io.dmactl.core.conformance.ProviderFixture;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.provider.cpu.CpuProvider;

import java.util.Map;
import java.util.Optional;

/**
 * One engine opened without a runtime so a benchmark thread can own its channel 0 directly (the
 * core's conformance fixture does the opening), plus host memory the engine reaches. Setup and
 * teardown only.
 */
final class EngineUnderTest implements AutoCloseable {
    /** Benchmark parameter value for the software engine of providers/cpu. */
    static final String CPU = CpuProvider.NAME;
    /** Benchmark parameter value for the benchmark-only {@link NoopEngine}. */
    static final String NOOP = NoopProvider.NAME;

    private final ProviderFixture fixture;

    private EngineUnderTest(ProviderFixture fixture) {
        this.fixture = fixture;
    }

    /** Opens {@code engineName} ("cpu" or "noop") with one channel of {@code ringSize} descriptors. */
    static EngineUnderTest open(String engineName, int ringSize) {
        DmaProvider provider;
        Map<String, String> options;
        switch (engineName) {
            case CPU -> {
                provider = new CpuProvider();
                options = Map.of(CpuProvider.OPTION_CHANNELS, "1", CpuProvider.OPTION_RING_SIZE, Integer.toString(ringSize));
            }
            case NOOP -> {
                provider = new NoopProvider();
                options = Map.of(NoopProvider.OPTION_CHANNELS, "1", NoopProvider.OPTION_RING_SIZE, Integer.toString(ringSize));
            }
            default -> throw new IllegalArgumentException("engine '" + engineName + "' is not one of " + CPU + ", " + NOOP);
        }
        return new EngineUnderTest(new ProviderFixture(provider, Optional.empty(), null, options));
    }

    /**
     * A {@link DmaRuntime} whose one engine is {@code engineName} ("cpu" or "noop") with one
     * channel: what the client-path benchmarks measure through.
     */
    static DmaRuntime runtimeWith(String engineName) {
        DmaProvider provider = switch (engineName) {
            case CPU -> new CpuProvider();
            case NOOP -> new NoopProvider();
            default -> throw new IllegalArgumentException("engine '" + engineName + "' is not one of " + CPU + ", " + NOOP);
        };
        DmaRuntime runtime = DmaRuntime.builder()
            .discoverProviders(false)
            .provider(provider)
            .option(CpuProvider.OPTION_CHANNELS, "1")
            .option(NoopProvider.OPTION_CHANNELS, "1")
            .build();
        if (runtime.engines().size() != 1) {
            String diagnostics = runtime.diagnostics().toString();
            runtime.close();
            throw new IllegalStateException("engine " + engineName + " did not open: " + diagnostics);
        }
        return runtime;
    }

    DmaChannel channel() {
        return fixture.engine().channel(0);
    }

    /** Zeroed host memory, page-aligned, with its address in the engine's bus space. */
    HostRegion allocate(int lengthBytes) {
        return fixture.allocateHost(lengthBytes);
    }

    @Override
    public void close() {
        fixture.close();
    }
}
