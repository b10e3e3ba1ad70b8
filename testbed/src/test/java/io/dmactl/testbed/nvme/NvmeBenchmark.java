package io.dmactl.testbed.nvme;

import io.dmactl.testbed.TestbedEnvironment;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.provider.nvme.NvmeProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads from namespace 1 through the nvme engine, as fio does against the kernel driver
 * ({@code --direct=1 --ioengine=libaio --numjobs=1}): 4 KiB random and 128 KiB sequential, queue
 * depth 1 and 32, a fixed time each. Prints IOPS, MiB/s and process CPU time per op. Tag
 * "testbed-bench": not part of the test run; start it with the launcher's --include-tag.
 * Every read must succeed (the run fails otherwise).
 */
@Tag("testbed-bench")
class NvmeBenchmark {
    static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("nvme.bench.warmupSeconds", 1));
    static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("nvme.bench.seconds", 5));

    @Test
    void readIopsAndBandwidth() throws Exception {
        String sq = System.getProperty("nvme.bench.sq", "host");
        String completion = System.getProperty("nvme.bench.completion", "poll");
        try (DmaRuntime runtime = DmaRuntime.builder()
            .onlyProviders(NvmeProvider.NAME, "cpu")
            .option(NvmeProvider.OPTION_CHANNELS, "1")
            .option(NvmeProvider.OPTION_QUEUE_DEPTH, "64")
            .option(NvmeProvider.OPTION_SQ, sq)
            .option(NvmeProvider.OPTION_COMPLETION, completion)
            .build()) {
            DevicePrivateSpace namespace = runtime.privateSpace(NvmeTestbed.engineName(), NvmeProvider.namespaceSpace(1));
            System.out.println("nvme engine, 1 channel, sq=" + sq + ", completion=" + completion);
            run(runtime, namespace, "4k randread", 4096, true, 1);
            run(runtime, namespace, "4k randread", 4096, true, 32);
            run(runtime, namespace, "128k read", 128 * 1024, false, 1);
            run(runtime, namespace, "128k read", 128 * 1024, false, 32);
        }
    }

    /**
     * The driver alone, SPDK style: one thread enqueues, rings and polls channel 1 of the engine
     * directly (no dispatcher, no worker thread, no futures). The runtime sees a one-channel engine
     * (channel 0) and is used only to allocate and map the buffer; channel 1 has one owner, this thread.
     */
    @Test
    void readIopsAndBandwidthOnTheRawChannel() throws Exception {
        String sq = System.getProperty("nvme.bench.sq", "host");
        RawChannelProvider provider = new RawChannelProvider();
        try (DmaRuntime runtime = DmaRuntime.builder()
            .provider(provider)
            .onlyProviders(RawChannelProvider.NAME, "cpu")
            .option(NvmeProvider.OPTION_CHANNELS, "2")
            .option(NvmeProvider.OPTION_QUEUE_DEPTH, "64")
            .option(NvmeProvider.OPTION_SQ, sq)
            .build()) {
            String engine = RawChannelProvider.NAME + "@" + TestbedEnvironment.nvmePci();
            DevicePrivateSpace namespace = runtime.privateSpace(engine, NvmeProvider.namespaceSpace(1));
            DmaChannel channel = provider.opened.channel(1);
            System.out.println("nvme raw channel, 1 thread polling, sq=" + sq);
            try (DmaBuffer buffer = runtime.allocate(32L * 128 * 1024)) {
                // One transfer through the runtime maps the buffer in the engine's domain.
                assertEquals(TransferStatus.SUCCESS, runtime.copy(namespace, 0, buffer, 0, 4096).get(30, TimeUnit.SECONDS).status());
                long iova = runtime.iovaOf(buffer, engine).orElseThrow();
                raw(channel, namespace, iova, "4k randread", 4096, true, 1);
                raw(channel, namespace, iova, "4k randread", 4096, true, 32);
                raw(channel, namespace, iova, "128k read", 128 * 1024, false, 1);
                raw(channel, namespace, iova, "128k read", 128 * 1024, false, 32);
            }
        }
    }

    private static void raw(DmaChannel channel, DevicePrivateSpace namespace, long iova, String name, int blockBytes,
                            boolean random, int depth) {
        long blocks = namespace.lengthBytes() / blockBytes;
        int space = namespace.spaceId();
        CompletionBatch batch = new CompletionBatch(64);
        SplittableRandom rng = new SplittableRandom(42);
        long next = 0;
        int inFlight = 0;
        long completed = 0;
        long failed = 0;
        long countAtMeasure = -1;
        long cpuAtMeasure = 0;
        long start = System.nanoTime();
        long measureFrom = start + WARMUP_NANOS;
        long end = measureFrom + RUN_NANOS;
        long now;
        int slot = 0;
        while ((now = System.nanoTime()) < end || inFlight > 0) {
            if (countAtMeasure < 0 && now >= measureFrom) {
                countAtMeasure = completed;
                cpuAtMeasure = processCpuNanos();
            }
            boolean enqueued = false;
            while (now < end && inFlight < depth) {
                long block = random ? rng.nextLong(blocks) : next++ % blocks;
                long ticket = channel.enqueueCopy(space, block * blockBytes, DmaChannel.SPACE_BUS,
                    iova + (long) slot * blockBytes, blockBytes, 0);
                if (ticket == DmaChannel.NO_SPACE) {
                    break;
                }
                slot = (slot + 1) % depth;
                inFlight++;
                enqueued = true;
            }
            if (enqueued) {
                channel.submit();
            }
            int n = channel.poll(batch);
            for (int i = 0; i < n; i++) {
                if (batch.status(i) != OpStatus.SUCCESS) {
                    failed++;
                }
            }
            inFlight -= n;
            completed += n;
            if (now >= end && countAtMeasure >= 0 && inFlight == 0) {
                break;
            }
        }
        long measuredNanos = end - measureFrom;
        long ops = completed - countAtMeasure;
        long cpu = processCpuNanos() - cpuAtMeasure;
        double seconds = measuredNanos / 1e9;
        System.out.printf("%-12s QD%-3d %9.0f IOPS %8.1f MiB/s  %6.1f us CPU/op (process, all threads)%n", name, depth,
            ops / seconds, ops * (double) blockBytes / seconds / (1 << 20), cpu / 1e3 / Math.max(1, ops));
        assertEquals(0, failed, "failed reads in " + name + " QD" + depth);
        assertTrue(ops > 0, "no read completed in " + name + " QD" + depth);
    }

    /** nvme, shown to the runtime with channel 0 only, so that channel 1 is the benchmark's own. */
    static final class RawChannelProvider implements DmaProvider {
        static final String NAME = "nvme-raw-bench";
        private final NvmeProvider nvme = new NvmeProvider();
        volatile DmaEngine opened;

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public DeviceRequirement devices() {
            return nvme.devices();
        }

        @Override
        public DmaEngine open(EngineContext context) {
            DmaEngine engine = nvme.open(context);
            opened = engine;
            EngineCapabilities c = engine.capabilities();
            EngineCapabilities oneChannel = new EngineCapabilities(c.ops(), c.directions(), c.reaches(), c.addressing(),
                c.execution(), c.maxTransferBytes(), c.alignmentBytes(), c.dmaMaskBits(), c.maxSgEntries(), c.ringSize(), 1,
                c.interrupts(), c.inOrderCompletion(), c.requiresOwnPrivateEnd(), c.maxPrivateCopyBytes());
            return new DmaEngine() {
                @Override
                public EngineCapabilities capabilities() {
                    return oneChannel;
                }

                @Override
                public DmaChannel channel(int index) {
                    if (index != 0) {
                        throw new IndexOutOfBoundsException("channel " + index);
                    }
                    return engine.channel(0);
                }

                @Override
                public void reset() {
                    engine.reset();
                }

                @Override
                public void close() {
                    engine.close();
                }
            };
        }
    }

    private static void run(DmaRuntime runtime, DevicePrivateSpace namespace, String name, int blockBytes, boolean random,
                            int depth) throws Exception {
        long blocks = namespace.lengthBytes() / blockBytes;
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ArrayBlockingQueue<Integer> freeSlots = new ArrayBlockingQueue<>(depth);
        try (DmaBuffer buffer = runtime.allocate((long) depth * blockBytes)) {
            for (int i = 0; i < depth; i++) {
                freeSlots.add(i);
            }
            SplittableRandom rng = new SplittableRandom(42);
            long next = 0;
            long start = System.nanoTime();
            long measureFrom = start + WARMUP_NANOS;
            long end = measureFrom + RUN_NANOS;
            long countAtMeasure = -1;
            long cpuAtMeasure = 0;
            long now;
            while ((now = System.nanoTime()) < end) {
                if (countAtMeasure < 0 && now >= measureFrom) {
                    countAtMeasure = completed.get();
                    cpuAtMeasure = processCpuNanos();
                }
                Integer slot = freeSlots.poll(1, TimeUnit.SECONDS);
                if (slot == null) {
                    continue;
                }
                long block = random ? rng.nextLong(blocks) : next++ % blocks;
                runtime.copy(namespace, block * blockBytes, buffer, (long) slot * blockBytes, blockBytes, result -> {
                    if (result.status() != TransferStatus.SUCCESS) {
                        failed.incrementAndGet();
                    }
                    completed.incrementAndGet();
                    freeSlots.add(slot);
                });
            }
            long ops = completed.get() - countAtMeasure;
            long cpu = processCpuNanos() - cpuAtMeasure;
            long measuredNanos = System.nanoTime() - measureFrom;
            while (freeSlots.size() < depth) { // drain
                Thread.sleep(1);
            }
            double seconds = measuredNanos / 1e9;
            System.out.printf("%-12s QD%-3d %9.0f IOPS %8.1f MiB/s  %6.1f us CPU/op (process, all threads)%n", name, depth,
                ops / seconds, ops * (double) blockBytes / seconds / (1 << 20), cpu / 1e3 / Math.max(1, ops));
            assertEquals(0, failed.get(), "failed reads in " + name + " QD" + depth);
            assertTrue(ops > 0, "no read completed in " + name + " QD" + depth);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
