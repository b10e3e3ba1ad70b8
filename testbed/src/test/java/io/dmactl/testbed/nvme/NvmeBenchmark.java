package io.dmactl.testbed.nvme;

import io.dmactl.core.Completion;
import io.dmactl.core.CompletionHandler;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.DmaStream;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.internal.RuntimeInternals;
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
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads from namespace 1 through the nvme engine, as fio does against the kernel driver
 * ({@code --direct=1 --ioengine=libaio --numjobs=1}): 4 KiB random and 128 KiB sequential, queue
 * depth 1 and 32, a fixed time each. Prints IOPS, MiB/s and CPU use, and per workload one
 * machine-readable line starting with {@value #RESULT_PREFIX} (key=value fields), which
 * testbed/bin/nvme-vs-kernel puts beside fio's figures. Tag "testbed-bench": not part of the test
 * run; start it with the launcher's --include-tag. Every read must succeed (the run fails otherwise).
 */
@Tag("testbed-bench")
class NvmeBenchmark {
    static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("nvme.bench.warmupSeconds", 1));
    static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("nvme.bench.seconds", 5));
    static final String RESULT_PREFIX = "nvme-bench-result";
    /**
     * Passes over a path's four workloads before the measured one, unmeasured: the JIT compiles
     * the path in them. Under TCG that takes tens of seconds for the runtime path (the guest's
     * other vCPU is busy compiling meanwhile, which slows the measured thread too).
     */
    static final int JIT_WARMUP_PASSES = Integer.getInteger("nvme.bench.jitWarmupPasses", 1);

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
            for (int pass = 0; pass <= JIT_WARMUP_PASSES; pass++) {
                boolean measured = pass == JIT_WARMUP_PASSES;
                for (boolean stream : new boolean[] {false, true}) {
                    run(runtime, namespace, 4096, true, 1, measured, stream);
                    run(runtime, namespace, 4096, true, 32, measured, stream);
                    run(runtime, namespace, 128 * 1024, false, 1, measured, stream);
                    run(runtime, namespace, 128 * 1024, false, 32, measured, stream);
                }
            }
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
                long iova = RuntimeInternals.iovaOf(runtime, buffer, engine).orElseThrow();
                for (int pass = 0; pass <= JIT_WARMUP_PASSES; pass++) {
                    boolean measured = pass == JIT_WARMUP_PASSES;
                    raw(channel, namespace, iova, 4096, true, 1, measured);
                    raw(channel, namespace, iova, 4096, true, 32, measured);
                    raw(channel, namespace, iova, 128 * 1024, false, 1, measured);
                    raw(channel, namespace, iova, 128 * 1024, false, 32, measured);
                }
            }
        }
    }

    private static void raw(DmaChannel channel, DevicePrivateSpace namespace, long iova, int blockBytes,
                            boolean random, int depth, boolean measured) {
        long blocks = namespace.lengthBytes() / blockBytes;
        int space = namespace.spaceId();
        CompletionBatch batch = new CompletionBatch(64);
        SplittableRandom rng = new SplittableRandom(42);
        long next = 0;
        int inFlight = 0;
        long completed = 0;
        long failed = 0;
        long countAtMeasure = -1;
        CpuClock cpuAtMeasure = null;
        long start = System.nanoTime();
        long measureFrom = start + WARMUP_NANOS;
        long end = measureFrom + RUN_NANOS;
        long now;
        int slot = 0;
        while ((now = System.nanoTime()) < end || inFlight > 0) {
            if (countAtMeasure < 0 && now >= measureFrom) {
                countAtMeasure = completed;
                cpuAtMeasure = CpuClock.now();
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
        String name = report(measured ? "raw" : null, blockBytes, random, depth, ops, measuredNanos, cpuAtMeasure,
            CpuClock.now());
        assertEquals(0, failed, "failed reads in " + name);
        assertTrue(ops > 0, "no read completed in " + name);
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

    /**
     * The client paths: {@code stream} false, {@link DmaRuntime#copy} with one
     * {@link CompletionHandler} for every read (the slot as context; the allocation-free form);
     * {@code stream} true, a {@link DmaStream} over the namespace and the buffer (pinned and
     * mapped once, every refill staged and submitted with one doorbell). Either way this thread
     * harvests ({@code poll()}): run to completion.
     */
    private static void run(DmaRuntime runtime, DevicePrivateSpace namespace, int blockBytes, boolean random,
                            int depth, boolean measured, boolean stream) {
        long blocks = namespace.lengthBytes() / blockBytes;
        Slots slots = new Slots(depth);
        try (DmaBuffer buffer = runtime.allocate((long) depth * blockBytes);
             DmaStream lane = stream ? runtime.stream().reads(namespace).writes(buffer).depth(depth).open() : null) {
            SplittableRandom rng = new SplittableRandom(42);
            long next = 0;
            long start = System.nanoTime();
            long measureFrom = start + WARMUP_NANOS;
            long end = measureFrom + RUN_NANOS;
            long countAtMeasure = -1;
            CpuClock cpuAtMeasure = null;
            long now;
            while ((now = System.nanoTime()) < end) {
                if (countAtMeasure < 0 && now >= measureFrom) {
                    countAtMeasure = slots.completed();
                    cpuAtMeasure = CpuClock.now();
                }
                int slot = slots.take();
                if (slot < 0) {
                    if (lane != null) {
                        lane.poll(); // run to completion: this thread harvests, and the handler runs here
                    } else {
                        runtime.poll();
                    }
                    continue;
                }
                do {
                    long block = random ? rng.nextLong(blocks) : next++ % blocks;
                    if (lane != null) {
                        lane.enqueueCopy(namespace, block * blockBytes, buffer, (long) slot * blockBytes, blockBytes, slots, slot);
                    } else {
                        runtime.copy(namespace, block * blockBytes, buffer, (long) slot * blockBytes, blockBytes, slots, slot);
                    }
                } while (lane != null && (slot = slots.take()) >= 0); // a stream refills every free slot, then one doorbell
                if (lane != null) {
                    lane.submit();
                }
            }
            long ops = slots.completed() - countAtMeasure;
            CpuClock cpuAtEnd = CpuClock.now();
            long measuredNanos = System.nanoTime() - measureFrom;
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (slots.free() < depth && System.nanoTime() < drainDeadline) { // drain
                if (lane != null) {
                    lane.poll();
                } else {
                    runtime.poll();
                }
            }
            assertEquals(depth, slots.free(), "reads still outstanding 30 s after the run");
            String name = report(measured ? (stream ? "stream" : "runtime") : null, blockBytes, random, depth, ops,
                measuredNanos, cpuAtMeasure, cpuAtEnd);
            assertEquals(0, slots.failed(), "failed reads in " + name + "; first: " + slots.firstFailure());
            assertTrue(ops > 0, "no read completed in " + name);
        }
    }

    /**
     * The free buffer slots and the completion count: the one handler of every read. It runs on
     * whichever thread harvests (this one while it polls, the channel's worker if it stalls), so
     * its state is behind a lock, uncontended in the steady state.
     */
    static final class Slots implements CompletionHandler {
        private final int[] free;
        private int top;
        private long completed;
        private long failed;
        private String firstFailure;

        Slots(int depth) {
            free = new int[depth];
            for (int i = 0; i < depth; i++) {
                free[top++] = depth - 1 - i;
            }
        }

        synchronized int take() {
            return top == 0 ? -1 : free[--top];
        }

        @Override
        public synchronized void onComplete(long context, Completion completion) {
            if (completion.status() != TransferStatus.SUCCESS) {
                if (failed++ == 0) {
                    firstFailure = "slot " + context + ": " + completion;
                }
            }
            completed++;
            free[top++] = (int) context;
        }

        synchronized long completed() {
            return completed;
        }

        synchronized int free() {
            return top;
        }

        synchronized long failed() {
            return failed;
        }

        synchronized String firstFailure() {
            return firstFailure;
        }
    }

    /**
     * Prints one workload's figures, for people and (the {@value #RESULT_PREFIX} line) for
     * nvme-vs-kernel; returns the workload's name. {@code path} null: a JIT warm-up pass, shown
     * on one line without a result line. CPU is in % of one CPU between the two samples
     * (see {@link CpuClock}): the thread that ran the workload, this JVM, the whole guest.
     */
    private static String report(String path, int blockBytes, boolean random, int depth, long ops, long measuredNanos,
                                 CpuClock from, CpuClock to) {
        String rw = random ? "randread" : "read";
        String name = (blockBytes / 1024) + "k " + rw + " QD" + depth;
        double seconds = measuredNanos / 1e9;
        double iops = ops / seconds;
        double mibPerSecond = ops * (double) blockBytes / seconds / (1 << 20);
        double threadCpuPercent = to.percentOfWall(to.threadNanos() - from.threadNanos(), from);
        double processCpuPercent = to.percentOfWall(to.processNanos() - from.processNanos(), from);
        double guestCpuPercent = to.guestBusyPercentSince(from);
        if (path == null) { // a JIT warm-up pass: shown, but no result line for nvme-vs-kernel
            System.out.printf(Locale.ROOT, "(JIT warm-up pass) %-18s %9.0f IOPS, %5.1f %% process CPU%n", name, iops,
                processCpuPercent);
            return name + " (JIT warm-up pass)";
        }
        System.out.printf(Locale.ROOT, "%-18s %9.0f IOPS %8.1f MiB/s  CPU %5.1f %% thread, %5.1f %% process, %5.1f %% guest%n",
            name, iops, mibPerSecond, threadCpuPercent, processCpuPercent, guestCpuPercent);
        System.out.println("  threads over 2 % of a CPU: " + to.busyThreadsSince(from, 2.0));
        System.out.printf(Locale.ROOT, "%s path=%s rw=%s block_bytes=%d qd=%d ops=%d seconds=%.3f iops=%.1f mib_per_s=%.2f"
                + " thread_cpu_pct=%.1f process_cpu_pct=%.1f guest_cpu_pct=%.1f%n",
            RESULT_PREFIX, path, rw, blockBytes, depth, ops, seconds, iops, mibPerSecond, threadCpuPercent, processCpuPercent,
            guestCpuPercent);
        return name;
    }

    /**
     * CPU time used so far by the calling thread, by this JVM (all its threads) and by the whole
     * guest. The guest's share is its CPUs' wall time minus their idle and iowait time from
     * /proc/stat: with the tick stopped on idle CPUs those two are measured exactly, while the
     * busy fields are tick samples, which under TCG missed two thirds of the busy time of fio at QD1.
     * Interrupts and every other thread count as busy, so a polling driver and an interrupt-driven
     * one (fio on the kernel driver, sampled the same way by nvme-vs-kernel) are charged alike.
     */
    record CpuClock(long wallNanos, long threadNanos, long processNanos, long guestIdleTicks, int guestCpus,
                    Map<String, Long> threadCpuNanos) {
        /** /proc/stat counts in USER_HZ, 100 per second on every Linux architecture's ABI. */
        private static final long NANOS_PER_TICK = 10_000_000L;

        static CpuClock now() {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long thread = threads.getCurrentThreadCpuTime();
            // Every live thread's CPU time, to show where the JVM's CPU beyond the benchmark thread goes.
            Map<String, Long> perThread = new TreeMap<>();
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                long nanos = info == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    perThread.put(info.getThreadName() + "#" + info.getThreadId(), nanos);
                }
            }
            long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
            List<String> stat;
            try {
                stat = Files.readAllLines(Path.of("/proc/stat"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/stat for the guest's CPU time", e);
            }
            long wall = System.nanoTime();
            // cpu user nice system idle iowait irq softirq steal ...
            String[] fields = stat.getFirst().trim().split("\\s+");
            if (!fields[0].equals("cpu") || fields.length < 9) {
                throw new IllegalStateException("unexpected first line of /proc/stat: '" + stat.getFirst() + "'");
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            int cpus = (int) stat.stream().filter(line -> line.matches("cpu[0-9]+ .*")).count();
            return new CpuClock(wall, thread, process, idle, cpus, perThread);
        }

        double percentOfWall(long cpuNanos, CpuClock earlier) {
            return 100.0 * cpuNanos / (wallNanos - earlier.wallNanos);
        }

        /** Threads that used more than {@code minimumPercent} of one CPU since {@code earlier}, busiest first. */
        String busyThreadsSince(CpuClock earlier, double minimumPercent) {
            StringJoiner busy = new StringJoiner(", ");
            threadCpuNanos.entrySet().stream()
                .map(e -> Map.entry(e.getKey(),
                    percentOfWall(e.getValue() - earlier.threadCpuNanos.getOrDefault(e.getKey(), 0L), earlier)))
                .filter(e -> e.getValue() > minimumPercent)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> busy.add(String.format(Locale.ROOT, "%s %.0f %%", e.getKey(), e.getValue())));
            return busy.toString();
        }

        /** Non-idle time of all the guest's CPUs since {@code earlier}, as % of one CPU. */
        double guestBusyPercentSince(CpuClock earlier) {
            long wall = wallNanos - earlier.wallNanos;
            long idle = (guestIdleTicks - earlier.guestIdleTicks) * NANOS_PER_TICK;
            return 100.0 * (guestCpus * wall - idle) / wall;
        }
    }
}
