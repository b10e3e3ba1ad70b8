package io.dmactl.cli.bench;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.core.ExclusiveChannel;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.OpStatus;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures one engine on the raw path: this thread owns the engine's channel 0 (an
 * {@link ExclusiveChannel}) and does what the core's channel worker would, at the requested depth
 * and batch: {@code batch} enqueues, one {@code submit()} (one doorbell), and polls, checking
 * every ticket it is handed back and every status. After each point the destination's bytes are
 * compared with the source (read back through the engine for private memory, when it copies
 * device to host).
 *
 * <p>Two figures per op: the round trip (from the clock read before its batch's first enqueue to
 * the poll that reported it) and the submit-side cost (this thread's time inside enqueue and
 * submit, per op). Nothing is allocated per op: the ticket table, start times, the completion
 * batch and the histogram are made before the loop; the clock is read once per batch submitted
 * and once per poll that returned completions.
 */
public final class RawEngineBench {

    /** An op may make no progress this long (a stuck engine) before the point fails. */
    private static final long STALL_LIMIT_NANOS = 30_000_000_000L;
    private static final int SPINS = 64;
    private static final int YIELDS = 1024;
    private static final long PARK_NANOS = 20_000;
    private static final long FREE = -1;

    private final DmaChannel channel;
    private final BenchTarget target;
    private final DmaBuffer source;
    private final DmaBuffer hostDestination;
    private final int batch;
    private final int depth;
    private final Optional<ProgressLine> progress;
    private final ExclusiveChannel.Address from;
    private final ExclusiveChannel.Address to;
    /** Reading private memory back into {@link #hostDestination}, or null when the engine cannot. */
    private final ExclusiveChannel.Address readFrom;
    private final ExclusiveChannel.Address readInto;
    /** Per table slot ({@code ticket & mask}): the outstanding ticket there, or {@link #FREE}. */
    private final long[] slotTicket;
    private final long[] slotStartNanos;
    private final int mask;
    private final CompletionBatch completions;
    /** The ticket the channel must hand out next; learnt from the first enqueue. */
    private long nextTicket = FREE;

    // one point's counters
    private long outstanding;
    private long completed;
    private long failed;
    private long submitSideNanos;
    private long lastProgressNanos;
    private String firstFailure;

    /**
     * Resolves the target's ranges through the core (pinned until the claim closes).
     *
     * @param hostDestination a host buffer as long as the source: the destination for host->host,
     *                        where private memory is read back to for host->dev
     * @param depth           ops in flight; at most the channel's capacity (the caller clamps)
     */
    public RawEngineBench(ExclusiveChannel owned, BenchTarget target, DmaBuffer source, DmaBuffer hostDestination,
                          int batch, int depth, Optional<ProgressLine> progress) {
        DmaChannel channel = owned.channel();
        if (batch < 1 || depth < batch || depth > channel.capacity()) {
            throw new IllegalArgumentException("batch " + batch + " and depth " + depth + ": need 1 <= batch <= depth <= "
                    + channel.capacity() + " (the ring)");
        }
        this.channel = channel;
        this.target = target;
        this.source = source;
        this.hostDestination = hostDestination;
        this.batch = batch;
        this.depth = depth;
        this.progress = progress;
        long span = target.limitBytes();
        this.from = owned.resolveSource(target.source(), 0, span);
        this.to = owned.resolveDestination(target.destination(), 0, span);
        if (target.destination() instanceof DevicePrivateSpace space && owned.capabilities().supports(Direction.DEV_TO_MEM)) {
            this.readFrom = owned.resolveSource(space, 0, span);
            this.readInto = owned.resolveDestination(hostDestination, 0, span);
        } else {
            this.readFrom = null;
            this.readInto = null;
        }
        int table = Integer.highestOneBit(Math.max(2, 2 * depth - 1)) << 1;
        this.slotTicket = new long[table];
        this.slotStartNanos = new long[table];
        this.mask = table - 1;
        Arrays.fill(slotTicket, FREE);
        this.completions = new CompletionBatch(Math.min(channel.capacity(), 1024));
    }

    /** Warms up for a tenth of the time (at most a second), then measures; then checks the bytes. */
    public BenchPoint run(String engine, long requestedBytes, long sizeBytes, long durationNanos) {
        int size = Math.toIntExact(sizeBytes);
        clearDestination(size);
        measure(engine, size, Math.min(durationNanos / 10, 1_000_000_000L), new LatencyHistogram(), false);
        String warmUpFailure = firstFailure;
        long warmUpFailed = failed;
        LatencyHistogram latency = new LatencyHistogram();
        long elapsed = measure(engine, size, durationNanos, latency, true);
        if (firstFailure == null && warmUpFailed > 0) {
            firstFailure = "during the warm-up, " + warmUpFailed + " op(s) failed, the first " + warmUpFailure;
        }
        if (firstFailure == null) {
            firstFailure = verify(engine, size);
        }
        long ops = completed;
        double seconds = elapsed / 1e9;
        return new BenchPoint(engine, target.direction(), requestedBytes, sizeBytes, ops, failed, seconds,
                elapsed == 0 ? 0 : (double) (ops - failed) * sizeBytes / elapsed,
                elapsed == 0 ? 0 : ops / seconds,
                EngineBench.percentile(latency, 0.5), EngineBench.percentile(latency, 0.99),
                EngineBench.percentile(latency, 0.999),
                ops == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) submitSideNanos / ops),
                Optional.ofNullable(firstFailure), Optional.empty(), Optional.empty());
    }

    /** @return nanoseconds from the first submission to the last completion */
    private long measure(String engine, int size, long durationNanos, LatencyHistogram latency, boolean show) {
        completed = 0;
        failed = 0;
        submitSideNanos = 0;
        firstFailure = null;
        long start = System.nanoTime();
        long deadline = start + durationNanos;
        lastProgressNanos = start;
        long lastCompletion = start;
        if (show) {
            progress.ifPresent(line -> line.start(engine + " " + size + " B", start, durationNanos));
        }
        long now = start;
        boolean submittedOnce = false;
        int idle = 0;
        // At least one batch, however short the time: a point without ops says nothing.
        while (!submittedOnce || now < deadline) {
            if (outstanding + batch <= depth && slotsFree()) {
                now = submitBatch(engine, size);
                submittedOnce = true;
                idle = 0;
                continue;
            }
            long harvested = harvest(engine, latency);
            if (harvested >= 0) {
                lastCompletion = harvested;
                now = harvested;
                idle = 0;
                if (show && progress.isPresent()) {
                    progress.get().update(now, completed);
                }
            } else {
                now = idle(engine, idle++);
            }
        }
        while (outstanding > 0) {
            long harvested = harvest(engine, latency);
            if (harvested >= 0) {
                lastCompletion = harvested;
                idle = 0;
            } else {
                idle(engine, idle++);
            }
        }
        progress.ifPresent(ProgressLine::clear);
        return lastCompletion - start;
    }

    /** {@code batch} copies, one doorbell. @return the clock after the submit */
    private long submitBatch(String engine, int size) {
        long begin = System.nanoTime();
        for (int i = 0; i < batch; i++) {
            long ticket = channel.enqueueCopy(from.space(), from.address(), to.space(), to.address(), size, 0);
            accept(engine, ticket, begin);
        }
        channel.submit();
        long end = System.nanoTime();
        submitSideNanos += end - begin;
        return end;
    }

    private void accept(String engine, long ticket, long startNanos) {
        if (ticket == DmaChannel.NO_SPACE) {
            throw new DmactlException(ExitCodes.FAILURE, "engine " + engine + " refused an op (no space) with only "
                    + outstanding + " outstanding of a ring of " + channel.capacity());
        }
        if (nextTicket != FREE && ticket != nextTicket) {
            throw new DmactlException(ExitCodes.FAILURE, "engine " + engine + " handed out ticket " + ticket + " where "
                    + nextTicket + " was due (tickets must be consecutive)");
        }
        int slot = (int) (ticket & mask);
        slotTicket[slot] = ticket;
        slotStartNanos[slot] = startNanos;
        nextTicket = ticket + 1;
        outstanding++;
    }

    /** Whether the table has room for the next batch's tickets (an op that completes late keeps its slot). */
    private boolean slotsFree() {
        if (nextTicket == FREE) {
            return true;
        }
        for (int i = 0; i < batch; i++) {
            if (slotTicket[(int) ((nextTicket + i) & mask)] != FREE) {
                return false;
            }
        }
        return true;
    }

    /** One poll. @return the clock when it reported completions, or -1 when it reported none */
    private long harvest(String engine, LatencyHistogram latency) {
        int n = channel.poll(completions);
        if (n == 0) {
            return -1;
        }
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long ticket = completions.ticket(i);
            int slot = (int) (ticket & mask);
            if (ticket < 0 || slotTicket[slot] != ticket) {
                // Not an op of ours that is outstanding: ignored, never matched to a live op.
                failure("engine " + engine + " reported ticket " + ticket + ", which is not outstanding");
                continue;
            }
            slotTicket[slot] = FREE;
            outstanding--;
            completed++;
            int status = completions.status(i);
            if (status == OpStatus.SUCCESS) {
                latency.record(now - slotStartNanos[slot]);
            } else {
                failed++;
                failure("ticket " + ticket + " ended " + OpStatus.name(status)
                        + (completions.deviceCode(i) != 0 ? " (device code " + completions.deviceCode(i) + ")" : ""));
            }
        }
        lastProgressNanos = now;
        return now;
    }

    private void failure(String what) {
        if (firstFailure == null) {
            firstFailure = what;
        }
    }

    /** Nothing completed on this poll: spin, then yield, then park briefly. @return the clock */
    private long idle(String engine, int round) {
        if (round < SPINS) {
            Thread.onSpinWait();
        } else if (round < YIELDS) {
            Thread.yield();
        } else {
            // A slow device (edu: ~100 ms per op): stop burning the core the engine may need.
            LockSupport.parkNanos(PARK_NANOS);
        }
        long now = System.nanoTime();
        if (outstanding > 0 && now - lastProgressNanos > STALL_LIMIT_NANOS) {
            throw new DmactlException(ExitCodes.FAILURE, "engine " + engine + " completed nothing for "
                    + STALL_LIMIT_NANOS / 1_000_000_000L + " s with " + outstanding + " op(s) outstanding");
        }
        return now;
    }

    private void clearDestination(int size) {
        hostDestination.segment().asSlice(0, size).fill((byte) 0);
    }

    /** @return what is wrong with the destination's bytes, or null when they equal the source's */
    private String verify(String engine, int size) {
        MemorySegment expected = source.segment().asSlice(0, size);
        if (target.destination() instanceof DevicePrivateSpace) {
            if (readFrom == null) {
                return null; // the engine cannot copy device to host: nothing to read back with
            }
            clearDestination(size);
            long ticket = channel.enqueueCopy(readFrom.space(), readFrom.address(), readInto.space(), readInto.address(), size,
                    DmaChannel.FLAG_FENCE | DmaChannel.FLAG_SUBMIT);
            accept(engine, ticket, System.nanoTime());
            long before = failed;
            int idle = 0;
            while (outstanding > 0) {
                if (harvest(engine, new LatencyHistogram()) < 0) {
                    idle(engine, idle++);
                }
            }
            completed--; // the read-back is not a measured op
            if (failed > before) {
                failed = before;
                return "reading " + target.destination().name() + " back: " + firstFailure;
            }
        }
        long mismatch = expected.mismatch(hostDestination.segment().asSlice(0, size));
        return mismatch < 0 ? null : "destination byte " + mismatch + " of " + size + " differs from the source"
                + (target.destination() instanceof DevicePrivateSpace ? " (read back from " + target.destination().name() + ")" : "");
    }
}
