package io.dmactl.provider.dsa;

import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Intel Data Streaming Accelerator (DSA) work queues through the kernel's idxd character device
 * ({@code /dev/dsa/wqD.Q}): one engine, one channel per enabled user work queue (or the queues
 * named by {@code dsa.wq}), shared virtual addressing, ops copy, fill, compare, compare-pattern,
 * CRC-32C and dualcast, batch descriptors for runs of submitted ops. The administrator configures
 * and enables the queues (accel-config); dmactl only submits.
 *
 * <p>Options: {@code dsa.wq} (wq0.0,wq2.0 ...; default every enabled user queue), {@code dsa.ringSize}
 * (default 128), {@code dsa.batch} (smallest run sent as one batch descriptor, default 4; 0: off),
 * {@code dsa.drainTimeoutMillis} (default 1000).
 */
public final class DsaProvider implements DmaProvider {
    /** The provider's name, {@value}. */
    public static final String NAME = "dsa";
    /** Option {@value}: the work queues to use, comma separated (e.g. {@code wq0.0,wq1.0}); default every usable one. */
    public static final String OPTION_WORK_QUEUES = DsaSettings.WORK_QUEUES;
    /** Option {@value}: descriptors per channel ring, a power of two, default 128. */
    public static final String OPTION_RING_SIZE = DsaSettings.RING_SIZE;
    /** Option {@value}: the smallest run of descriptors submitted as one batch descriptor, default 4; 0 turns batches off. */
    public static final String OPTION_BATCH = DsaSettings.BATCH;
    /** Option {@value}: how long a reset waits for the queue to finish what it took, default 1000 ms. */
    public static final String OPTION_DRAIN_TIMEOUT_MILLIS = DsaSettings.DRAIN_TIMEOUT_MILLIS;

    private final Path sysfsRoot;
    private final BiFunction<EngineContext, WorkQueueInfo, WorkQueuePort> ports;

    /** The ServiceLoader entry: queues from /sys/bus/dsa/devices, descriptors through /dev/dsa. */
    public DsaProvider() {
        this(DsaSysfs.DEFAULT_ROOT, null);
    }

    /**
     * A provider whose queues are read from {@code sysfsRoot} and reached through {@code ports}
     * (a device model, in tests); null ports: the idxd character devices.
     *
     * @param sysfsRoot the directory read instead of /sys/bus/dsa/devices
     * @param ports how each queue is reached, or null for the idxd character devices
     */
    public DsaProvider(Path sysfsRoot, BiFunction<EngineContext, WorkQueueInfo, WorkQueuePort> ports) {
        this.sysfsRoot = Objects.requireNonNull(sysfsRoot, "sysfsRoot");
        this.ports = ports != null ? ports : (context, wq) -> new CdevWorkQueuePort(wq, sysfsRoot);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** None through vfio: the queues come from the idxd driver, found in sysfs at open. */
    @Override
    public DeviceRequirement devices() {
        return DeviceRequirement.none();
    }

    /**
     * Checks the options, picks the queues from sysfs, opens them.
     *
     * @throws IllegalArgumentException if an option is malformed
     * @throws IllegalStateException    if no usable queue exists (the message names the accel-config
     *                                  commands that make one) or a named queue is unusable
     */
    @Override
    public DmaEngine open(EngineContext context) {
        Objects.requireNonNull(context, "context");
        DsaSettings settings = DsaSettings.from(context);
        List<DsaSysfs.Device> devices = DsaSysfs.scan(sysfsRoot);
        List<WorkQueueInfo> chosen = new ArrayList<>();
        if (settings.workQueues().isEmpty()) {
            devices.forEach(d -> chosen.addAll(d.usable()));
            if (chosen.isEmpty()) {
                throw new IllegalStateException(context.engineName() + ": " + DsaSysfs.noUsableQueue(devices));
            }
        } else {
            for (String wanted : settings.workQueues()) {
                WorkQueueInfo wq = devices.stream().flatMap(d -> d.workQueues().stream()).filter(q -> q.name().equals(wanted))
                    .findFirst().orElseThrow(() -> new IllegalStateException(context.engineName() + ": option "
                        + DsaSettings.WORK_QUEUES + " names " + wanted + ", which " + sysfsRoot + " does not list"));
                if (wq.unusableReason() != null) {
                    throw new IllegalStateException(context.engineName() + ": " + wanted + " is not usable: " + wq.unusableReason());
                }
                chosen.add(wq);
            }
        }
        List<DsaEngine.Binding> bindings = new ArrayList<>();
        try {
            for (WorkQueueInfo wq : chosen) {
                bindings.add(new DsaEngine.Binding(wq, ports.apply(context, wq)));
            }
        } catch (RuntimeException e) {
            for (DsaEngine.Binding b : bindings) {
                b.port().close();
            }
            throw new IllegalStateException(context.engineName() + ": cannot open a work queue: " + e.getMessage(), e);
        }
        return DsaEngine.open(context, bindings, settings);
    }
}
