package io.dmactl.provider.dsa.model;

import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.conformance.ProviderFixture;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.provider.dsa.DsaProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The real {@link DsaProvider} opened over {@link DsaDeviceModel}s, without a runtime: a sysfs
 * tree written to a temporary directory as the idxd driver lays it out (one dsa0 with
 * {@code queues} user queues, wq0.0 ...), each queue's port a model. The test (or benchmark)
 * thread owns the channels. Closing closes the engine, then stops the models and removes the tree.
 */
public final class DsaModelFixture implements EngineFixture {
    private final ProviderFixture fixture;
    private final Path sysfs;
    private final Map<String, DsaDeviceModel> models = new ConcurrentHashMap<>();

    public DsaModelFixture(DsaDeviceModel.Config config, int queues, Map<String, String> options) {
        this.sysfs = writeSysfs(config, queues);
        try {
            this.fixture = new ProviderFixture(provider(sysfs, config, models), Optional.empty(), null, options);
        } catch (RuntimeException e) {
            shutdownModels();
            throw e;
        }
    }

    /** A provider over models built per queue into {@code models} (by queue name). */
    public static DsaProvider provider(Path sysfs, DsaDeviceModel.Config config, Map<String, DsaDeviceModel> models) {
        return new DsaProvider(sysfs, (context, wq) -> {
            DsaDeviceModel m = new DsaDeviceModel(context.engineName() + "-" + wq.name(), config);
            models.put(wq.name(), m);
            return new ModelWorkQueuePort(m);
        });
    }

    /** A sysfs tree with dsa0 and {@code queues} enabled user queues shaped by {@code config}. */
    public static Path writeSysfs(DsaDeviceModel.Config config, int queues) {
        try {
            Path root = Files.createTempDirectory("dsa-sysfs");
            Path dsa0 = Files.createDirectories(root.resolve("dsa0"));
            Files.writeString(dsa0.resolve("state"), "enabled\n");
            Files.writeString(dsa0.resolve("errors"), "0 0 0 0\n");
            Files.writeString(dsa0.resolve("max_batch_size"), config.maxBatchSize() + "\n");
            for (int q = 0; q < queues; q++) {
                Path wq = Files.createDirectories(root.resolve("wq0." + q));
                Files.writeString(wq.resolve("mode"), (config.dedicated() ? "dedicated" : "shared") + "\n");
                Files.writeString(wq.resolve("size"), config.sizeEntries() + "\n");
                Files.writeString(wq.resolve("type"), "user\n");
                Files.writeString(wq.resolve("state"), "enabled\n");
                Files.writeString(wq.resolve("name"), "dmactl\n");
                Files.writeString(wq.resolve("max_transfer_size"), config.maxTransferBytes() + "\n");
                Files.writeString(wq.resolve("max_batch_size"), config.maxBatchSize() + "\n");
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DsaDeviceModel model(String queue) {
        return models.get(queue);
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

    /** Every model's violations (descriptors lost to a full dedicated queue, malformed writes). */
    public List<String> violations() {
        List<String> all = new ArrayList<>();
        models.values().forEach(m -> all.addAll(m.violations()));
        return all;
    }

    @Override
    public void close() {
        try {
            fixture.close();
        } finally {
            shutdownModels();
        }
    }

    private void shutdownModels() {
        models.values().forEach(DsaDeviceModel::shutdown);
        try (Stream<Path> files = Files.walk(sysfs)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
