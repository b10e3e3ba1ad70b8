package io.dmactl.core.conformance;

import io.dmactl.core.BatchResult;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many client threads × many random transfers through a runtime, every byte checked. Each thread
 * drives several lanes; a lane owns two host buffers and a disjoint slice of every private space
 * and of the window, so lanes never race on memory and the expected contents are exact. Each
 * round starts one random scenario per lane (copy, fill, a fenced round trip through a private
 * space or the window, or a peer-to-peer hop window → private space), then checks whole buffers
 * (so a stray write outside the target range is caught) and that every op completed exactly once.
 */
public final class TransferStress {
    private static final int LANE_BYTES = 64 * 1024;

    private final DmaRuntime dma;
    private final List<DevicePrivateSpace> spaces;
    private final DeviceWindow window;
    private final int threads;
    private final int lanesPerThread;
    private final int rounds;
    private final long seed;
    private final AtomicLong transfers = new AtomicLong();
    private final AtomicLong completions = new AtomicLong();
    private final Map<String, AtomicLong> engines = new ConcurrentHashMap<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    /** @param window a window every lane may use a slice of, or null */
    public TransferStress(DmaRuntime dma, List<DevicePrivateSpace> spaces, DeviceWindow window, int threads, int lanesPerThread,
                          int rounds, long seed) {
        this.dma = dma;
        this.spaces = List.copyOf(spaces);
        this.window = window;
        this.threads = threads;
        this.lanesPerThread = lanesPerThread;
        this.rounds = rounds;
        this.seed = seed;
    }

    /** What happened. */
    public record Report(long transfers, long completions, Map<String, Long> byEngine, List<String> failures) {
    }

    public Report run() throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        int lanes = threads * lanesPerThread;
        for (int t = 0; t < threads; t++) {
            int threadIndex = t;
            Thread worker = new Thread(() -> {
                try {
                    runThread(threadIndex, lanes);
                } catch (Throwable e) {
                    failures.add("thread " + threadIndex + ": " + e);
                }
            }, "stress-client-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread w : workers) {
            w.join(TimeUnit.MINUTES.toMillis(5));
        }
        Map<String, Long> byEngine = new java.util.TreeMap<>();
        engines.forEach((k, v) -> byEngine.put(k, v.get()));
        return new Report(transfers.get(), completions.get(), byEngine, List.copyOf(failures));
    }

    private void runThread(int threadIndex, int totalLanes) {
        Random random = new Random(seed * 31 + threadIndex);
        List<Lane> lanes = new ArrayList<>();
        for (int l = 0; l < lanesPerThread; l++) {
            lanes.add(new Lane(threadIndex * lanesPerThread + l, totalLanes));
        }
        try {
            for (int round = 0; round < rounds && failures.size() < 20; round++) {
                List<Scenario> started = new ArrayList<>();
                for (Lane lane : lanes) {
                    started.add(lane.start(random));
                }
                for (Scenario s : started) {
                    s.finish();
                }
            }
            for (Lane lane : lanes) {
                lane.checkCallbacks();
            }
        } finally {
            for (Lane lane : lanes) {
                try {
                    lane.close();
                } catch (IllegalStateException e) {
                    failures.add("lane " + lane.index + " could not close its buffers: " + e.getMessage());
                }
            }
        }
    }

    /** One lane's memory and what it should contain. */
    private final class Lane {
        final int index;
        final DmaBuffer a;
        final DmaBuffer b;
        final byte[] expectA = new byte[LANE_BYTES];
        final byte[] expectB = new byte[LANE_BYTES];
        final long[] spaceBase;
        final long[] spaceBytes;
        final long windowBase;
        final long windowBytes;
        final List<Callback> callbacks = new ArrayList<>();

        Lane(int index, int totalLanes) {
            this.index = index;
            a = dma.allocate(LANE_BYTES);
            b = dma.allocate(LANE_BYTES);
            spaceBase = new long[spaces.size()];
            spaceBytes = new long[spaces.size()];
            for (int i = 0; i < spaces.size(); i++) {
                DevicePrivateSpace s = spaces.get(i);
                long slice = s.lengthBytes() / totalLanes / s.granularityBytes() * s.granularityBytes();
                spaceBase[i] = slice * index;
                spaceBytes[i] = Math.min(slice, LANE_BYTES);
            }
            long windowSlice = window == null ? 0 : window.lengthBytes() / totalLanes;
            windowBase = windowSlice * index;
            windowBytes = Math.min(windowSlice, LANE_BYTES);
        }

        Scenario start(Random random) {
            int kinds = 2 + (spaces.isEmpty() ? 0 : 1) + (windowBytes > 0 ? 1 : 0) + (!spaces.isEmpty() && windowBytes > 0 ? 1 : 0);
            int kind = random.nextInt(kinds);
            boolean aToB = random.nextBoolean();
            DmaBuffer src = aToB ? a : b;
            DmaBuffer dst = aToB ? b : a;
            byte[] expectSrc = aToB ? expectA : expectB;
            byte[] expectDst = aToB ? expectB : expectA;
            int length = randomLength(random, LANE_BYTES);
            int srcOff = random.nextInt(LANE_BYTES - length + 1);
            int dstOff = random.nextInt(LANE_BYTES - length + 1);
            if (kind == 0) { // copy host -> host, reported through a callback
                scribble(random, src, expectSrc, srcOff, length);
                System.arraycopy(expectSrc, srcOff, expectDst, dstOff, length);
                Callback callback = new Callback();
                dma.copy(src, srcOff, dst, dstOff, length, callback);
                return single(callback, "copy " + length);
            }
            if (kind == 1) { // fill
                long pattern = random.nextLong();
                for (int i = 0; i < length; i++) {
                    expectDst[dstOff + i] = (byte) (pattern >>> (8 * (i & 7)));
                }
                Callback callback = new Callback();
                dma.fill(dst, dstOff, length, pattern, callback);
                return single(callback, "fill " + length);
            }
            if (kind == 2 && !spaces.isEmpty()) { // host -> private -> host, fenced
                int s = random.nextInt(spaces.size());
                DevicePrivateSpace space = spaces.get(s);
                int unit = space.granularityBytes();
                int len = Math.max(unit, (int) Math.min(length, spaceBytes[s]) / unit * unit);
                long off = spaceBase[s] + random.nextLong((spaceBytes[s] - len) / unit + 1) * unit;
                int so = Math.min(srcOff, LANE_BYTES - len);
                int doff = Math.min(dstOff, LANE_BYTES - len);
                scribble(random, src, expectSrc, so, len);
                System.arraycopy(expectSrc, so, expectDst, doff, len);
                return chain(dma.batch().copy(src, so, space, off, len).fence().copy(space, off, dst, doff, len).submit(),
                    "via " + space.name() + " " + len);
            }
            if (window == null) {
                scribble(random, src, expectSrc, srcOff, length);
                System.arraycopy(expectSrc, srcOff, expectDst, dstOff, length);
                Callback callback = new Callback();
                dma.copy(src, srcOff, dst, dstOff, length, callback);
                return single(callback, "copy " + length);
            }
            int len = (int) Math.min(length, windowBytes);
            long woff = windowBase + random.nextLong(windowBytes - len + 1);
            int so = Math.min(srcOff, LANE_BYTES - len);
            int doff = Math.min(dstOff, LANE_BYTES - len);
            scribble(random, src, expectSrc, so, len);
            System.arraycopy(expectSrc, so, expectDst, doff, len);
            if (kind == 3 || spaces.isEmpty()) { // host -> window -> host
                return chain(dma.batch().copy(src, so, window, woff, len).fence().copy(window, woff, dst, doff, len).submit(),
                    "via window " + len);
            }
            // host -> window, then peer to peer window -> private space -> host (separate submissions)
            int s = random.nextInt(spaces.size());
            DevicePrivateSpace space = spaces.get(s);
            int unit = space.granularityBytes();
            int plen = Math.max(unit, (int) Math.min(len, spaceBytes[s]) / unit * unit);
            long poff = spaceBase[s];
            transfers.addAndGet(3);
            return new Scenario(() -> {
                check(dma.copy(src, so, window, woff, plen).join(), "to window");
                check(dma.copy(window, woff, space, poff, plen).join(), "window to " + space.name());
                check(dma.copy(space, poff, dst, doff, plen).join(), space.name() + " to host");
            }, () -> {
                // The expectation was written for len bytes; only plen moved: restore the tail.
                for (int i = plen; i < len; i++) {
                    expectDst[doff + i] = readByte(dst, doff + i);
                }
            });
        }

        void verify(String what) {
            byte[] gotA = new byte[LANE_BYTES];
            byte[] gotB = new byte[LANE_BYTES];
            MemorySegment.copy(a.segment(), ValueLayout.JAVA_BYTE, 0, gotA, 0, LANE_BYTES);
            MemorySegment.copy(b.segment(), ValueLayout.JAVA_BYTE, 0, gotB, 0, LANE_BYTES);
            if (!Arrays.equals(gotA, expectA) || !Arrays.equals(gotB, expectB)) {
                failures.add("lane " + index + " after " + what + ": buffer A first differs at "
                    + Arrays.mismatch(gotA, expectA) + ", B at " + Arrays.mismatch(gotB, expectB));
                System.arraycopy(gotA, 0, expectA, 0, LANE_BYTES); // resynchronise so one failure is reported once
                System.arraycopy(gotB, 0, expectB, 0, LANE_BYTES);
            }
        }

        Scenario single(Callback callback, String what) {
            transfers.incrementAndGet();
            callbacks.add(callback);
            callback.what = what;
            return new Scenario(() -> check(callback.result.join(), what), () -> verify(what));
        }

        Scenario chain(BatchResult result, String what) {
            transfers.addAndGet(result.results().size());
            return new Scenario(() -> {
                for (TransferResult r : result.all().join()) {
                    check(r, what);
                }
            }, () -> verify(what));
        }

        /** Every callback of this lane ran exactly once (checked at the end, so a late duplicate is seen too). */
        void checkCallbacks() {
            for (Callback c : callbacks) {
                if (c.calls.get() != 1) {
                    failures.add(c.what + " completed " + c.calls.get() + " times");
                }
            }
        }

        void close() {
            a.close();
            b.close();
        }

        private void scribble(Random random, DmaBuffer buffer, byte[] expect, int offset, int length) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            MemorySegment.copy(data, 0, buffer.segment(), ValueLayout.JAVA_BYTE, offset, length);
            System.arraycopy(data, 0, expect, offset, length);
        }
    }

    private void check(TransferResult r, String what) {
        completions.incrementAndGet();
        engines.computeIfAbsent(r.engine(), k -> new AtomicLong()).incrementAndGet();
        if (r.status() != TransferStatus.SUCCESS) {
            failures.add(what + " ended " + r.status() + " (code " + r.deviceCode() + ") on " + r.engine());
        }
    }

    private static byte readByte(DmaBuffer buffer, long offset) {
        return buffer.segment().get(ValueLayout.JAVA_BYTE, offset);
    }

    /** Sizes from 1 byte to a whole lane, most of them small, some large (the cost model sees both). */
    private static int randomLength(Random random, int max) {
        int bits = 1 + random.nextInt(Integer.numberOfTrailingZeros(max));
        return 1 + random.nextInt(1 << bits);
    }

    /** Counts its invocations; the first completes {@link #result}. */
    private static final class Callback implements io.dmactl.core.TransferCallback {
        final AtomicInteger calls = new AtomicInteger();
        final CompletableFuture<TransferResult> result = new CompletableFuture<>();
        volatile String what;

        @Override
        public void onComplete(TransferResult r) {
            calls.incrementAndGet();
            result.complete(r);
        }
    }

    /** A started scenario: wait for it, then check memory. */
    private record Scenario(Runnable await, Runnable verify) {
        void finish() {
            await.run();
            verify.run();
        }
    }
}
