package io.dmactl.cli.dsa;

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
import io.dmactl.provider.dsa.model.DsaDeviceModel;
import io.dmactl.provider.dsa.model.DsaModelFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code dmactl selftest --provider dsa} and {@code dmactl bench --provider dsa --path raw} do
 * with the dsa engine, on the DSA device model behind a fixture sysfs: every selftest case byte
 * for byte (128 KiB max transfer, so long cases are split by the core), and the raw bench.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DsaOnModelTest {
    private static final DsaDeviceModel.Config CONFIG = DsaDeviceModel.Config.defaults().withMaxTransferBytes(128 << 10);

    private static DmaRuntime runtime(Path sysfs, Map<String, DsaDeviceModel> models, boolean exclusive) {
        return RuntimeInternals.pageSource(DmaRuntime.builder().discoverProviders(false), new ArenaPageSource(4096)).poolLimitBytes(256L << 20)
            .provider(DsaModelFixture.provider(sysfs, CONFIG, models)).exclusiveChannels(exclusive).build();
    }

    @Test
    void selftestRoutesPassByteForByte() {
        Path sysfs = DsaModelFixture.writeSysfs(CONFIG, 2);
        Map<String, DsaDeviceModel> models = new ConcurrentHashMap<>();
        try (DmaRuntime dma = runtime(sysfs, models, false);
             DmaBuffer src = dma.allocate(EngineSelftest.HOST_BUFFER_BYTES);
             DmaBuffer dst = dma.allocate(EngineSelftest.HOST_BUFFER_BYTES)) {
            EngineInfo dsa = dma.engines().get(0);
            assertEquals("dsa", dsa.name(), dma.diagnostics()::toString);
            assertTrue(dsa.unavailable().isEmpty(), dsa.toString());
            List<String> notes = new ArrayList<>();
            EngineSelftest selftest = new EngineSelftest(dma, src, dst, notes::add);
            assertTrue(EngineSelftest.routes(dsa, false).contains(SelftestRoute.HOST_TO_HOST), EngineSelftest.routes(dsa, false)::toString);
            for (SelftestRoute route : EngineSelftest.routes(dsa, false)) {
                RouteSummary summary = selftest.run(dsa, route, Optional.empty());
                assertTrue(summary.cases() > 0, summary.toString());
                assertEquals(0, summary.failures(), summary + " " + notes);
            }
        } finally {
            models.values().forEach(DsaDeviceModel::shutdown);
        }
        List<String> violations = new ArrayList<>();
        models.values().forEach(m -> violations.addAll(m.violations()));
        assertEquals(List.of(), violations);
    }

    @Test
    void rawBenchMeasuresTheSubmitSide() {
        Path sysfs = DsaModelFixture.writeSysfs(CONFIG, 1);
        Map<String, DsaDeviceModel> models = new ConcurrentHashMap<>();
        try (DmaRuntime dma = runtime(sysfs, models, true)) {
            BenchRun.Results results = BenchRun.run(dma, dma.engines(), BenchPath.RAW, List.of(64L, 65536L), 8, 32,
                20_000_000L, Optional.empty(), text -> { });
            assertEquals(2, results.points().size(), results::toString);
            for (BenchPoint point : results.points()) {
                assertTrue(point.ops() > 0 && point.failedOps() == 0, point::toString);
                assertEquals(Optional.empty(), point.firstFailure(), point::toString);
                assertTrue(point.submitNanosPerOp().isPresent(), point::toString);
            }
        } finally {
            models.values().forEach(DsaDeviceModel::shutdown);
        }
    }
}
