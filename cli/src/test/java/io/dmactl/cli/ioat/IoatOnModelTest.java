package io.dmactl.cli.ioat;

import io.dmactl.cli.bench.BenchPath;
import io.dmactl.cli.bench.BenchPoint;
import io.dmactl.cli.bench.BenchRun;
import io.dmactl.cli.selftest.EngineSelftest;
import io.dmactl.cli.selftest.RouteSummary;
import io.dmactl.cli.selftest.SelftestRoute;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.sim.FakeDeviceSource;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.provider.ioat.IoatProvider;
import io.dmactl.provider.ioat.model.IoatDeviceModel;
import io.dmactl.provider.ioat.model.IoatModelFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code dmactl selftest} and {@code dmactl bench --path raw} do with an ioat engine, on the
 * QuickData device model claimed from a fake device source by its PCI id (8086:0e20): every
 * selftest case byte for byte with guards (XFERCAP 4 KiB, so long cases are split by the core),
 * and the raw bench with its submit-side figure.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoatOnModelTest {
    private static final IoatDeviceModel.Config CONFIG = IoatDeviceModel.Config.defaults().withChannels(2).withXfercapLog(12);

    private static DmaRuntime runtime(AtomicReference<IoatDeviceModel> model, boolean exclusive) {
        FakeDeviceSource source = new FakeDeviceSource(new FakeIommuDomain("container"),
            FakeDeviceSource.function("0000:00:04.0", 0x8086, 0x0e20, 0x088000, 9));
        return RuntimeInternals.deviceSource(RuntimeInternals.pageSource(DmaRuntime.builder().discoverProviders(false), new ArenaPageSource(4096)).poolLimitBytes(256L << 20)
            .provider(new IoatProvider(IoatModelFixture.modelFactory(CONFIG, model))), source)
            .exclusiveChannels(exclusive).build();
    }

    @Test
    void selftestRoutesPassByteForByte() {
        AtomicReference<IoatDeviceModel> model = new AtomicReference<>();
        try (DmaRuntime dma = runtime(model, false);
             DmaBuffer src = dma.allocate(EngineSelftest.HOST_BUFFER_BYTES);
             DmaBuffer dst = dma.allocate(EngineSelftest.HOST_BUFFER_BYTES)) {
            EngineInfo ioat = dma.engines().get(0);
            assertEquals("ioat@0000:00:04.0", ioat.name());
            assertEquals(EnumSet.of(SelftestRoute.HOST_TO_HOST, SelftestRoute.FILL_HOST), EngineSelftest.routes(ioat, false));
            List<String> notes = new ArrayList<>();
            EngineSelftest selftest = new EngineSelftest(dma, src, dst, notes::add);
            for (SelftestRoute route : EngineSelftest.routes(ioat, false)) {
                RouteSummary summary = selftest.run(ioat, route, Optional.empty());
                assertTrue(summary.cases() > 0, summary.toString());
                assertEquals(0, summary.failures(), summary + " " + notes);
            }
        } finally {
            model.get().shutdown();
        }
        assertEquals(List.of(), model.get().violations());
    }

    @Test
    void rawBenchMeasuresTheSubmitSide() {
        AtomicReference<IoatDeviceModel> model = new AtomicReference<>();
        try (DmaRuntime dma = runtime(model, true)) {
            BenchRun.Results results = BenchRun.run(dma, dma.engines(), BenchPath.RAW, List.of(64L, 65536L), 8, 32,
                20_000_000L, Optional.empty(), text -> { });
            assertEquals(2, results.points().size(), results::toString);
            for (BenchPoint point : results.points()) {
                assertTrue(point.ops() > 0 && point.failedOps() == 0, point::toString);
                assertEquals(Optional.empty(), point.firstFailure(), point::toString);
                assertTrue(point.submitNanosPerOp().isPresent(), point::toString);
            }
        } finally {
            model.get().shutdown();
        }
    }
}
