package io.dmactl.core.conformance;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.spi.DmaChannel.FLAG_FENCE;
import static io.dmactl.core.spi.DmaChannel.FLAG_SUBMIT;
import static io.dmactl.core.spi.DmaChannel.NO_SPACE;
import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fast-path contract of {@link DmaChannel}, run against every engine: extend it, return a
 * fresh {@link EngineFixture} from {@link #openFixture()}. Tests an engine cannot run (no fill,
 * no private space, no interrupts, out-of-order completion) are skipped, not passed.
 * Everything is driven on the test thread, which is the channels' single owner.
 *
 * <p>Host-to-host copies: an engine with {@code MEM_TO_MEM} gets one bus-to-bus op per copy. An
 * engine without it (edu: every DMA has its own buffer at one end) gets each copy as a round trip
 * through its first private space: host to private, then a fenced private to host, so the suite
 * checks the same bytes either way ({@link #opsPerCopy()} says how many ops a copy costs). Slow
 * engines shrink the suite with {@link #maxOpsInFlight()}, {@link #ringWraps()} and
 * {@link #largestOpBytes()}, and keep ring tests short with a small ring.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class DmaEngineConformanceTest {
    protected EngineFixture fixture;
    protected DmaEngine engine;
    protected EngineCapabilities caps;
    protected DmaChannel channel;
    protected CompletionBatch batch;
    private final Random random = new Random(0x5eed);
    /** The private space host copies pass through when the engine has no MEM_TO_MEM, else null. */
    private DevicePrivateSpace scratch;
    private long scratchCursor;
    private int unit;

    /** A fresh engine for each test. */
    protected abstract EngineFixture openFixture();

    /** Bound on waiting for completions before calling them lost (slow devices raise it). */
    protected long completionTimeoutMillis() {
        return 20_000;
    }

    /** Largest op the suite tries (slow devices lower it). */
    protected int largestOpBytes() {
        return 1 << 20;
    }

    /** Most ops a test puts in flight at once, below the ring size (slow devices lower it). */
    protected int maxOpsInFlight() {
        return 64;
    }

    /** How many times {@code ringWrapsAroundManyTimes} goes around the ring (slow devices lower it). */
    protected int ringWraps() {
        return 3;
    }

    @BeforeEach
    void openEngine() {
        fixture = openFixture();
        engine = fixture.engine();
        caps = engine.capabilities();
        channel = engine.channel(0);
        batch = new CompletionBatch(caps.ringSize());
        unit = Math.max(caps.alignmentBytes(), 8);
        if (!caps.supports(Direction.MEM_TO_MEM) && !fixture.privateSpaces().isEmpty()
            && caps.supports(Direction.MEM_TO_DEV) && caps.supports(Direction.DEV_TO_MEM)) {
            scratch = fixture.privateSpaces().get(0);
            unit = Math.max(unit, scratch.granularityBytes());
        }
    }

    @AfterEach
    void closeEngine() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void channelsMatchCapabilities() {
        for (int i = 0; i < caps.channelCount(); i++) {
            DmaChannel c = engine.channel(i);
            assertEquals(i, c.index());
            assertEquals(caps.ringSize(), c.capacity());
            if (caps.interrupts()) {
                assertNotNull(c.interrupt(), "channel " + i + " declares interrupts but has none");
            }
        }
    }

    @Test
    void copyMovesEveryByteAndNothingElse() {
        requireHostCopies();
        int previous = 0;
        for (int size : new int[] {unit(), 64, 4096, 65536}) {
            int length = alignDown(Math.min(size, maxCopyBytes()));
            if (length == previous) {
                continue; // a small engine caps several sizes to the same length
            }
            previous = length;
            EngineFixture.HostRegion src = randomHost(length);
            EngineFixture.HostRegion dst = fixture.allocateHost(length + 64);
            long ticket = enqueueHostCopy(channel, src, 0, dst, 0, length, FLAG_SUBMIT);
            assertTrue(ticket >= 0, "enqueue returned " + ticket);
            assertAllSucceeded(await(channel, opsPerCopy()), "copy of " + length);
            assertArrayEquals(bytes(src.segment(), 0, length), bytes(dst.segment(), 0, length), "copy of " + length);
            assertArrayEquals(new byte[64], bytes(dst.segment(), length, 64), "bytes past a copy of " + length + " changed");
        }
    }

    @Test
    void fillRepeatsThePatternFromTheFirstByte() {
        assumeTrue(caps.supports(DmaOpKind.FILL), "engine has no FILL");
        boolean intoPrivate = !caps.supports(Direction.MEM_TO_MEM);
        assumeTrue(!intoPrivate || scratch != null, "engine fills neither host memory nor a private space it can read back");
        long pattern = 0x0807060504030201L;
        int length = Math.max(alignUp(100), alignUp(Long.BYTES));
        EngineFixture.HostRegion dst = fixture.allocateHost(4096 + 64);
        for (int len : new int[] {length, alignDown(Math.min(4096, maxCopyBytes() - 64))}) {
            dst.segment().fill((byte) 0);
            if (intoPrivate) {
                // Zero the private range (and 64 bytes past it), fill it, read it all back.
                EngineFixture.HostRegion zeros = fixture.allocateHost(len + 64);
                channel.enqueueCopy(SPACE_BUS, zeros.busAddress(), scratch.spaceId(), 0, len + 64, 0);
                long fill = channel.enqueueFill(pattern, scratch.spaceId(), 0, len, FLAG_FENCE);
                channel.enqueueCopy(scratch.spaceId(), 0, SPACE_BUS, dst.busAddress(), len + 64, FLAG_FENCE | FLAG_SUBMIT);
                Map<Long, Done> done = await(channel, 3);
                assertEquals("SUCCESS", OpStatus.name(done.get(fill).status()), "fill of " + len);
                assertAllSucceeded(done, "zeroing and reading back a private fill of " + len);
            } else {
                long ticket = channel.enqueueFill(pattern, SPACE_BUS, dst.busAddress(), len, FLAG_SUBMIT);
                assertEquals("SUCCESS", OpStatus.name(await(channel, 1).get(ticket).status()));
            }
            for (int i = 0; i < len; i++) {
                byte expected = (byte) (pattern >>> (8 * (i & 7)));
                assertEquals(expected, dst.segment().get(ValueLayout.JAVA_BYTE, i), "fill byte " + i + " of " + len);
            }
            assertArrayEquals(new byte[64], bytes(dst.segment(), len, 64), "bytes past a fill of " + len + " changed");
        }
    }

    // ---- the ops with a result value, and dualcast: each skipped only when the engine does not declare it.
    // They run over host memory (an engine without MEM_TO_MEM is skipped: its ranges would have to be
    // staged through its private memory, which these read-only ops cannot show byte for byte).

    private void requireHostOp(DmaOpKind op) {
        assumeTrue(caps.supports(op), "engine does not declare " + op);
        assumeTrue(caps.supports(Direction.MEM_TO_MEM), "engine has no MEM_TO_MEM: " + op + " over host memory cannot run");
    }

    /** Lengths for the result-value ops: odd ones where alignment allows, up to the engine's max transfer. */
    private int[] resultOpLengths() {
        int largest = alignDown(Math.min(65536, largestOp()));
        return java.util.stream.IntStream.of(alignUp(1), alignUp(7), alignUp(8), alignUp(100), alignUp(4095), largest)
            .map(l -> Math.min(l, largest)).distinct().toArray();
    }

    private Done runOne(long ticket, String what) {
        assertTrue(ticket >= 0, what + ": enqueue returned " + ticket);
        Done d = await(channel, 1).get(ticket);
        assertNotNull(d, what + ": ticket " + ticket + " not reported");
        assertEquals("SUCCESS", OpStatus.name(d.status()), what + " (device code " + d.deviceCode() + ")");
        return d;
    }

    @Test
    void compareReportsEqualOrTheFirstDifferingOffsetAndWritesNothing() {
        requireHostOp(DmaOpKind.COMPARE);
        for (int length : resultOpLengths()) {
            EngineFixture.HostRegion a = randomHost(length);
            EngineFixture.HostRegion b = fixture.allocateHost(length);
            MemorySegment.copy(a.segment(), 0, b.segment(), 0, length);
            byte[] before = bytes(a.segment(), 0, length);
            Done equal = runOne(channel.enqueueCompare(SPACE_BUS, a.busAddress(), SPACE_BUS, b.busAddress(), length, FLAG_SUBMIT),
                "compare of " + length + " equal bytes");
            assertEquals(DmaOpKind.COMPARE_EQUAL, equal.resultValue(), "compare of " + length + " equal bytes");
            for (int at : new int[] {0, length / 2, length - 1}) {
                byte old = b.segment().get(ValueLayout.JAVA_BYTE, at);
                b.segment().set(ValueLayout.JAVA_BYTE, at, (byte) (old ^ 0x10));
                if (at + 1 < length) { // a later difference too: the first one is reported
                    b.segment().set(ValueLayout.JAVA_BYTE, length - 1, (byte) ~a.segment().get(ValueLayout.JAVA_BYTE, length - 1));
                }
                Done differs = runOne(channel.enqueueCompare(SPACE_BUS, a.busAddress(), SPACE_BUS, b.busAddress(), length,
                    FLAG_SUBMIT), "compare of " + length + " bytes differing at " + at);
                assertEquals(at, differs.resultValue(), "first difference of " + length + " bytes");
                MemorySegment.copy(a.segment(), 0, b.segment(), 0, length);
            }
            assertArrayEquals(before, bytes(a.segment(), 0, length), "a compare wrote its first range");
            assertArrayEquals(before, bytes(b.segment(), 0, length), "a compare wrote its second range");
        }
    }

    @Test
    void comparePatternReportsEqualOrTheFirstDifferingOffset() {
        requireHostOp(DmaOpKind.COMPARE_PATTERN);
        long pattern = 0x8877665544332211L;
        for (int length : resultOpLengths()) {
            EngineFixture.HostRegion r = fixture.allocateHost(length);
            for (int i = 0; i < length; i++) {
                r.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (pattern >>> (8 * (i & 7))));
            }
            Done equal = runOne(channel.enqueueComparePattern(pattern, SPACE_BUS, r.busAddress(), length, FLAG_SUBMIT),
                "compare-pattern of " + length + " matching bytes");
            assertEquals(DmaOpKind.COMPARE_EQUAL, equal.resultValue(), "compare-pattern of " + length + " matching bytes");
            for (int at : new int[] {0, Math.min(5, length - 1), length / 2, length - 1}) {
                byte old = r.segment().get(ValueLayout.JAVA_BYTE, at);
                r.segment().set(ValueLayout.JAVA_BYTE, at, (byte) (old ^ 0x01));
                Done differs = runOne(channel.enqueueComparePattern(pattern, SPACE_BUS, r.busAddress(), length, FLAG_SUBMIT),
                    "compare-pattern of " + length + " bytes differing at " + at);
                assertEquals(at, differs.resultValue(), "first difference from the pattern in " + length + " bytes");
                r.segment().set(ValueLayout.JAVA_BYTE, at, old);
            }
        }
    }

    @Test
    void crc32cMatchesJavaUtilZipAndChainsThroughItsSeed() {
        requireHostOp(DmaOpKind.CRC32C);
        for (int length : resultOpLengths()) {
            EngineFixture.HostRegion r = randomHost(length);
            byte[] data = bytes(r.segment(), 0, length);
            java.util.zip.CRC32C reference = new java.util.zip.CRC32C();
            reference.update(data);
            Done crc = runOne(channel.enqueueCrc32c(SPACE_BUS, r.busAddress(), length, 0, FLAG_SUBMIT), "CRC-32C of " + length);
            assertEquals(reference.getValue(), crc.resultValue(), "CRC-32C of " + length + " bytes, seed 0");
            assertArrayEquals(data, bytes(r.segment(), 0, length), "a CRC wrote its range");
            // Seed = the CRC of what precedes: the two halves chained give the CRC of the whole.
            int half = alignDown(length / 2);
            if (half < length && half > 0) {
                Done first = runOne(channel.enqueueCrc32c(SPACE_BUS, r.busAddress(), half, 0, FLAG_SUBMIT), "CRC-32C first half");
                Done chained = runOne(channel.enqueueCrc32c(SPACE_BUS, r.busAddress() + half, length - half,
                    (int) first.resultValue(), FLAG_SUBMIT), "CRC-32C second half");
                assertEquals(reference.getValue(), chained.resultValue(), "CRC-32C of " + length + " bytes chained at " + half);
            }
        }
    }

    @Test
    void dualcastWritesBothDestinationsAndNothingElse() {
        requireHostOp(DmaOpKind.DUALCAST);
        for (int length : new int[] {unit(), alignUp(100), alignDown(Math.min(65536, largestOp()))}) {
            EngineFixture.HostRegion src = randomHost(length);
            EngineFixture.HostRegion d1 = fixture.allocateHost(length + 64);
            EngineFixture.HostRegion d2 = fixture.allocateHost(length + 64);
            runOne(channel.enqueueDualcast(SPACE_BUS, src.busAddress(), SPACE_BUS, d1.busAddress(), SPACE_BUS, d2.busAddress(),
                length, FLAG_SUBMIT), "dualcast of " + length);
            assertArrayEquals(bytes(src.segment(), 0, length), bytes(d1.segment(), 0, length), "first destination of " + length);
            assertArrayEquals(bytes(src.segment(), 0, length), bytes(d2.segment(), 0, length), "second destination of " + length);
            assertArrayEquals(new byte[64], bytes(d1.segment(), length, 64), "bytes past the first destination changed");
            assertArrayEquals(new byte[64], bytes(d2.segment(), length, 64), "bytes past the second destination changed");
        }
    }

    @Test
    void undecodableDescriptorsOfEveryDeclaredOpCompleteInvalid() {
        requireHostCopies();
        int length = unit();
        EngineFixture.HostRegion a = randomHost(length);
        EngineFixture.HostRegion b = fixture.allocateHost(length);
        int unknown = 77;
        Map<String, java.util.function.LongSupplier> ops = new LinkedHashMap<>();
        for (DmaOpKind op : caps.ops()) {
            switch (op) {
                case COPY, FILL -> { } // covered by invalidDescriptorsCompleteInvalidAndMoveNothing
                case COMPARE -> {
                    ops.put("compare from unknown space", () -> channel.enqueueCompare(unknown, 0, SPACE_BUS, b.busAddress(), length, 0));
                    ops.put("compare of 0 bytes", () -> channel.enqueueCompare(SPACE_BUS, a.busAddress(), SPACE_BUS, b.busAddress(), 0, 0));
                }
                case COMPARE_PATTERN -> {
                    ops.put("compare-pattern in unknown space", () -> channel.enqueueComparePattern(1, unknown, 0, length, 0));
                    ops.put("compare-pattern of -8 bytes", () -> channel.enqueueComparePattern(1, SPACE_BUS, a.busAddress(), -8, 0));
                }
                case CRC32C -> {
                    ops.put("crc in unknown space", () -> channel.enqueueCrc32c(unknown, 0, length, 0, 0));
                    ops.put("crc of 0 bytes", () -> channel.enqueueCrc32c(SPACE_BUS, a.busAddress(), 0, 0, 0));
                }
                case DUALCAST -> {
                    ops.put("dualcast to unknown second space", () -> channel.enqueueDualcast(SPACE_BUS, a.busAddress(), SPACE_BUS,
                        b.busAddress(), unknown, 0, length, 0));
                    ops.put("dualcast of 0 bytes", () -> channel.enqueueDualcast(SPACE_BUS, a.busAddress(), SPACE_BUS, b.busAddress(),
                        SPACE_BUS, b.busAddress(), 0, 0));
                }
            }
        }
        assumeFalse(ops.isEmpty(), "engine declares no op beyond copy and fill");
        ops.forEach((what, enqueue) -> { // one at a time: a small ring holds them all
            long ticket = enqueue.getAsLong();
            assertTrue(ticket >= 0, what + ": enqueue returned " + ticket);
            channel.submit();
            assertEquals("INVALID", OpStatus.name(await(channel, 1).get(ticket).status()), what);
        });
        assertArrayEquals(new byte[length], bytes(b.segment(), 0, length), "an invalid op wrote bytes");
    }

    @Test
    void ticketsAreConsecutiveAndEachIsReportedExactlyOnce() {
        requireHostCopies();
        int copies = Math.min(Math.min(caps.ringSize(), maxOpsInFlight()), 32) / opsPerCopy();
        int record = unit();
        EngineFixture.HostRegion src = randomHost(copies * record);
        EngineFixture.HostRegion dst = fixture.allocateHost(copies * record);
        long first = -1;
        for (int i = 0; i < copies; i++) {
            long t = enqueueHostCopy(channel, src, (long) i * record, dst, (long) i * record, record, 0);
            if (first < 0) {
                first = t;
            }
            assertEquals(first + (long) i * opsPerCopy(), t, "tickets must be consecutive");
        }
        channel.submit();
        int ops = copies * opsPerCopy();
        Map<Long, Done> done = await(channel, ops);
        for (int i = 0; i < ops; i++) {
            assertNotNull(done.get(first + i), "ticket " + (first + i) + " was never reported: " + done.keySet());
            assertEquals("SUCCESS", OpStatus.name(done.get(first + i).status()), "ticket " + (first + i));
        }
        assertEquals(0, pollFor(channel, 50), "completions reported after all tickets were");
        assertArrayEquals(bytes(src.segment(), 0, copies * record), bytes(dst.segment(), 0, copies * record));
    }

    @Test
    void nothingMovesBeforeSubmit() {
        requireHostCopies();
        int length = alignDown(Math.min(4096, maxCopyBytes()));
        EngineFixture.HostRegion src = randomHost(length);
        EngineFixture.HostRegion dst = fixture.allocateHost(length);
        enqueueHostCopy(channel, src, 0, dst, 0, length, 0);
        assertEquals(0, pollFor(channel, 50), "an op completed before submit()");
        assertArrayEquals(new byte[length], bytes(dst.segment(), 0, length), "bytes moved before submit()");
        channel.submit();
        assertAllSucceeded(await(channel, opsPerCopy()), "copy submitted late");
        assertArrayEquals(bytes(src.segment(), 0, length), bytes(dst.segment(), 0, length));
    }

    @Test
    void fullRingReturnsNoSpaceUntilCompletionsAreHarvested() {
        requireHostCopies();
        int ring = caps.ringSize();
        int copies = ring / opsPerCopy(); // rings are powers of two of at least 2: no slot left over
        int record = unit();
        EngineFixture.HostRegion src = randomHost(copies * record);
        EngineFixture.HostRegion dst = fixture.allocateHost(copies * record);
        long first = -1;
        for (int i = 0; i < copies; i++) {
            long t = enqueueHostCopy(channel, src, (long) i * record, dst, (long) i * record, record, 0);
            assertNotEquals(NO_SPACE, t, "ring refused copy " + i + " of " + copies + " (" + ring + " slots)");
            first = first < 0 ? t : first;
        }
        assertEquals(NO_SPACE, enqueueFirstLeg(src, dst, record), "a full ring must refuse");
        channel.submit();
        assertEquals(NO_SPACE, enqueueFirstLeg(src, dst, record), "submitted but unharvested ops still occupy the ring");
        assertAllSucceeded(await(channel, ring), "a full ring");
        long again = enqueueHostCopy(channel, src, 0, dst, 0, record, FLAG_SUBMIT);
        assertEquals(first + ring, again, "ring must accept again after harvesting, with the next ticket");
        assertAllSucceeded(await(channel, opsPerCopy()), "the copy after a full ring");
        assertArrayEquals(bytes(src.segment(), 0, copies * record), bytes(dst.segment(), 0, copies * record));
    }

    @Test
    void ringWrapsAroundManyTimes() {
        requireHostCopies();
        int ring = caps.ringSize();
        int total = (ringWraps() * ring + 5) / opsPerCopy() + 1;
        int record = unit();
        EngineFixture.HostRegion src = randomHost(total * record);
        EngineFixture.HostRegion dst = fixture.allocateHost(total * record);
        int burst = Math.min(ring / 2 + 1, maxOpsInFlight());
        int enqueued = 0;
        Map<Long, Done> done = new LinkedHashMap<>();
        long deadline = System.nanoTime() + completionTimeoutMillis() * 1_000_000;
        while (done.size() < total * opsPerCopy()) {
            int inBurst = 0;
            // Whole copies only: a round trip must never be cut between its two ops.
            while (enqueued < total && inBurst + opsPerCopy() <= burst
                && enqueued * opsPerCopy() - done.size() + opsPerCopy() <= ring) {
                long t = enqueueHostCopy(channel, src, (long) enqueued * record, dst, (long) enqueued * record, record, 0);
                assertNotEquals(NO_SPACE, t, "ring refused a copy with " + (enqueued * opsPerCopy() - done.size())
                    + " of " + ring + " slots in use");
                enqueued++;
                inBurst += opsPerCopy();
            }
            channel.submit();
            harvest(channel, done);
            if (System.nanoTime() - deadline > 0) {
                fail("only " + done.size() + " of " + total * opsPerCopy() + " completions");
            }
        }
        assertAllSucceeded(done, "wrapping the ring");
        assertArrayEquals(bytes(src.segment(), 0, total * record), bytes(dst.segment(), 0, total * record));
    }

    @Test
    void fenceMakesAnOpWaitForEveryEarlierOp() {
        requireHostCopies();
        int rounds = Math.max(1, Math.min(8, Math.min(caps.ringSize(), maxOpsInFlight()) / (2 * opsPerCopy())));
        // Through a private space, every copy of the test must have its own range there.
        int length = alignDown(Math.min(16384, scratch == null ? largestOp() : maxCopyBytes() / (2 * rounds)));
        List<EngineFixture.HostRegion[]> chains = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            EngineFixture.HostRegion a = randomHost(length);
            EngineFixture.HostRegion b = fixture.allocateHost(length);
            EngineFixture.HostRegion c = fixture.allocateHost(length);
            chains.add(new EngineFixture.HostRegion[] {a, b, c});
            enqueueHostCopy(channel, a, 0, b, 0, length, 0);
            enqueueHostCopy(channel, b, 0, c, 0, length, FLAG_FENCE);
        }
        channel.submit();
        assertAllSucceeded(await(channel, 2 * rounds * opsPerCopy()), "fenced chains");
        for (int r = 0; r < rounds; r++) {
            EngineFixture.HostRegion[] chain = chains.get(r);
            assertArrayEquals(bytes(chain[0].segment(), 0, length), bytes(chain[2].segment(), 0, length),
                "round " + r + ": the fenced copy B->C ran before A->B completed");
        }
    }

    @Test
    void inOrderEnginesCompleteInTicketOrder() {
        assumeTrue(caps.inOrderCompletion(), "engine may complete out of order");
        requireHostCopies();
        int copies = Math.min(caps.ringSize(), maxOpsInFlight()) / opsPerCopy();
        EngineFixture.HostRegion src = randomHost(copies * unit());
        EngineFixture.HostRegion dst = fixture.allocateHost(copies * unit());
        for (int i = 0; i < copies; i++) {
            enqueueHostCopy(channel, src, (long) i * unit(), dst, (long) i * unit(), unit(), 0);
        }
        channel.submit();
        List<Long> order = new ArrayList<>(await(channel, copies * opsPerCopy()).keySet());
        for (int i = 1; i < order.size(); i++) {
            assertTrue(order.get(i) > order.get(i - 1), "completion order " + order);
        }
    }

    @Test
    void undecodableDescriptorsCompleteInvalidAndMoveNothing() {
        requireHostCopies();
        int length = alignDown(Math.min(4096, maxCopyBytes()));
        EngineFixture.HostRegion src = randomHost(length);
        EngineFixture.HostRegion dst = fixture.allocateHost(length);
        // Zero and negative lengths on a direction the engine offers.
        int toSpace = scratch == null ? SPACE_BUS : scratch.spaceId();
        long toAddress = scratch == null ? dst.busAddress() : 0;
        long unknownSpace = channel.enqueueCopy(77, 0, SPACE_BUS, dst.busAddress(), length, 0);
        long emptyOp = channel.enqueueCopy(SPACE_BUS, src.busAddress(), toSpace, toAddress, 0, 0);
        long negative = channel.enqueueCopy(SPACE_BUS, src.busAddress(), toSpace, toAddress, -length, 0);
        channel.submit();
        Map<Long, Done> done = await(channel, 3);
        assertEquals("INVALID", OpStatus.name(done.get(unknownSpace).status()), "copy from unknown space 77");
        assertEquals("INVALID", OpStatus.name(done.get(emptyOp).status()), "copy of 0 bytes");
        assertEquals("INVALID", OpStatus.name(done.get(negative).status()), "copy of " + (-length) + " bytes");
        assertArrayEquals(new byte[length], bytes(dst.segment(), 0, length), "an invalid op moved bytes");
        enqueueHostCopy(channel, src, 0, dst, 0, length, FLAG_SUBMIT);
        assertAllSucceeded(await(channel, opsPerCopy()), "channel broken after invalid ops");
        assertArrayEquals(bytes(src.segment(), 0, length), bytes(dst.segment(), 0, length));
    }

    @Test
    void resetDropsOutstandingOpsAndTheChannelKeepsWorking() {
        requireHostCopies();
        int length = alignDown(Math.min(4096, maxCopyBytes()));
        EngineFixture.HostRegion src = randomHost(length);
        EngineFixture.HostRegion dst = fixture.allocateHost(length);
        int copies = Math.max(1, Math.min(4, Math.min(caps.ringSize(), maxOpsInFlight())) / opsPerCopy());
        long first = -1;
        for (int i = 0; i < copies; i++) {
            long t = enqueueHostCopy(channel, src, 0, dst, 0, length, 0);
            first = first < 0 ? t : first;
        }
        channel.submit();
        engine.reset();
        Map<Long, Done> late = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            harvest(channel, late);
        }
        assertTrue(late.isEmpty(), "tickets enqueued before reset were reported after it: " + late.keySet());
        EngineFixture.HostRegion fresh = fixture.allocateHost(length);
        long after = enqueueHostCopy(channel, src, 0, fresh, 0, length, FLAG_SUBMIT);
        assertEquals(first + (long) copies * opsPerCopy(), after, "tickets continue across a reset");
        Map<Long, Done> done = await(channel, opsPerCopy());
        assertEquals("SUCCESS", OpStatus.name(done.get(after).status()));
        assertAllSucceeded(done, "the copy after a reset");
        assertArrayEquals(bytes(src.segment(), 0, length), bytes(fresh.segment(), 0, length));
    }

    @Test
    void privateSpaceRoundTripPreservesEveryByte() {
        List<DevicePrivateSpace> spaces = fixture.privateSpaces();
        assumeFalse(spaces.isEmpty(), "engine declares no private space");
        DevicePrivateSpace space = spaces.get(0);
        int unit = Math.max(unit(), space.granularityBytes());
        int length = (int) Math.min(Math.min(space.lengthBytes() / 2, 4096), largestOp()) / unit * unit;
        long offset = space.lengthBytes() / 2 / unit * unit;
        EngineFixture.HostRegion src = randomHost(length);
        EngineFixture.HostRegion back = fixture.allocateHost(length);
        channel.enqueueCopy(SPACE_BUS, src.busAddress(), space.spaceId(), offset, length, 0);
        channel.enqueueCopy(space.spaceId(), offset, SPACE_BUS, back.busAddress(), length, FLAG_FENCE | FLAG_SUBMIT);
        for (Done d : await(channel, 2).values()) {
            assertEquals("SUCCESS", OpStatus.name(d.status()));
        }
        assertArrayEquals(bytes(src.segment(), 0, length), bytes(back.segment(), 0, length));
    }

    @Test
    void largestOpMovesEveryByte() {
        requireHostCopies();
        int length = alignDown(maxCopyBytes());
        EngineFixture.HostRegion src = randomHost(length);
        EngineFixture.HostRegion dst = fixture.allocateHost(length);
        enqueueHostCopy(channel, src, 0, dst, 0, length, FLAG_SUBMIT);
        assertAllSucceeded(await(channel, opsPerCopy()), "copy of " + length);
        assertArrayEquals(bytes(src.segment(), 0, length), bytes(dst.segment(), 0, length));
    }

    @Test
    void everyChannelWorks() {
        requireHostCopies();
        int length = alignDown(Math.min(1024, maxCopyBytes()));
        for (int i = 0; i < caps.channelCount(); i++) {
            DmaChannel c = engine.channel(i);
            EngineFixture.HostRegion src = randomHost(length);
            EngineFixture.HostRegion dst = fixture.allocateHost(length);
            enqueueHostCopy(c, src, 0, dst, 0, length, FLAG_SUBMIT);
            assertAllSucceeded(await(c, opsPerCopy()), "channel " + i);
            assertArrayEquals(bytes(src.segment(), 0, length), bytes(dst.segment(), 0, length), "channel " + i);
        }
    }

    @Test
    void interruptSignalsCompletion() {
        assumeTrue(caps.interrupts(), "engine has no interrupts");
        requireHostCopies();
        int length = alignDown(Math.min(4096, maxCopyBytes()));
        EngineFixture.HostRegion src = randomHost(length);
        EngineFixture.HostRegion dst = fixture.allocateHost(length);
        enqueueHostCopy(channel, src, 0, dst, 0, length, FLAG_SUBMIT);
        assertTrue(channel.interrupt().await(completionTimeoutMillis() * 1_000_000L), "no interrupt after a completion");
        assertAllSucceeded(await(channel, opsPerCopy()), "copy signalled by interrupt");
        assertArrayEquals(bytes(src.segment(), 0, length), bytes(dst.segment(), 0, length));
    }

    // ---------------------------------------------------------------- host copies

    /** Skips the test when the engine can neither copy host to host nor round-trip through a private space. */
    protected void requireHostCopies() {
        assumeTrue(caps.supports(Direction.MEM_TO_MEM) || scratch != null,
            "engine has no MEM_TO_MEM and no private space it copies in and out of");
    }

    /** Ops one host-to-host copy costs: 1, or 2 when it round-trips through a private space. */
    protected int opsPerCopy() {
        return scratch == null ? 1 : 2;
    }

    /** Longest host-to-host copy: the largest op, and through a private space no longer than the space. */
    protected int maxCopyBytes() {
        int largest = largestOp();
        return scratch == null ? largest : (int) Math.min(largest, scratch.lengthBytes());
    }

    /**
     * Enqueues a copy of {@code lengthBytes} from {@code src + srcOffset} to {@code dst + dstOffset}:
     * one bus-to-bus op, or host to private space and then, fenced, private space to host. The test
     * must leave room in the ring for {@link #opsPerCopy()} ops.
     *
     * @param flags FLAG_FENCE applies to the first op, FLAG_SUBMIT to the last
     * @return the ticket of the first op (the others follow it), or NO_SPACE
     */
    protected long enqueueHostCopy(DmaChannel c, EngineFixture.HostRegion src, long srcOffset, EngineFixture.HostRegion dst,
                                   long dstOffset, int lengthBytes, int flags) {
        if (scratch == null) {
            return c.enqueueCopy(SPACE_BUS, src.busAddress() + srcOffset, SPACE_BUS, dst.busAddress() + dstOffset,
                lengthBytes, flags);
        }
        long at = scratchRange(lengthBytes);
        long first = c.enqueueCopy(SPACE_BUS, src.busAddress() + srcOffset, scratch.spaceId(), at, lengthBytes,
            flags & FLAG_FENCE);
        if (first == NO_SPACE) {
            return NO_SPACE;
        }
        long second = c.enqueueCopy(scratch.spaceId(), at, SPACE_BUS, dst.busAddress() + dstOffset, lengthBytes,
            FLAG_FENCE | (flags & FLAG_SUBMIT));
        assertEquals(first + 1, second, "the second half of a round trip through " + scratch.name()
            + " (NO_SPACE means the test left too little room in the ring)");
        return first;
    }

    /**
     * The next range of the private space for a round trip. Successive copies get successive
     * ranges, so copies in flight together do not share bytes as long as a test keeps them within
     * the space (its sizes are derived from {@link #maxCopyBytes()}).
     */
    private long scratchRange(int lengthBytes) {
        long step = alignUp(lengthBytes);
        if (scratchCursor + lengthBytes > scratch.lengthBytes()) {
            scratchCursor = 0;
        }
        long at = scratchCursor;
        scratchCursor += step;
        return at;
    }

    /** The first op of a round trip (or the whole copy): for probing a full ring. */
    private long enqueueFirstLeg(EngineFixture.HostRegion src, EngineFixture.HostRegion dst, int lengthBytes) {
        return scratch == null
            ? channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), lengthBytes, 0)
            : channel.enqueueCopy(SPACE_BUS, src.busAddress(), scratch.spaceId(), 0, lengthBytes, 0);
    }

    private static void assertAllSucceeded(Map<Long, Done> done, String what) {
        for (Done d : done.values()) {
            assertEquals("SUCCESS", OpStatus.name(d.status()), what + ": ticket " + d.ticket() + " (device code "
                + d.deviceCode() + ")");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** One completion as reported by poll. */
    /** @param resultValue the completion's result value (a CRC, a compare outcome; 0 for other ops) */
    public record Done(long ticket, int status, int deviceCode, long resultValue) {
    }

    /** Polls until {@code count} completions arrived; fails on a duplicate ticket or when they do not come. */
    protected Map<Long, Done> await(DmaChannel c, int count) {
        Map<Long, Done> done = new LinkedHashMap<>();
        long deadline = System.nanoTime() + completionTimeoutMillis() * 1_000_000;
        while (done.size() < count) {
            if (harvest(c, done) == 0) {
                if (System.nanoTime() - deadline > 0) {
                    fail("only " + done.size() + " of " + count + " completions arrived: " + done.keySet());
                }
                Thread.yield();
            }
        }
        return done;
    }

    /** Polls once into {@code done}; a ticket seen twice fails the test. */
    protected int harvest(DmaChannel c, Map<Long, Done> done) {
        int n = c.poll(batch);
        for (int i = 0; i < n; i++) {
            Done d = new Done(batch.ticket(i), batch.status(i), batch.deviceCode(i), batch.resultValue(i));
            assertNull(done.put(d.ticket(), d), "ticket " + d.ticket() + " reported twice");
        }
        return n;
    }

    /** Polls for {@code millis} and returns how many completions arrived. */
    protected int pollFor(DmaChannel c, long millis) {
        Map<Long, Done> seen = new LinkedHashMap<>();
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() - end < 0) {
            harvest(c, seen);
            Thread.yield();
        }
        return seen.size();
    }

    protected EngineFixture.HostRegion randomHost(int length) {
        EngineFixture.HostRegion region = fixture.allocateHost(length);
        byte[] data = new byte[length];
        random.nextBytes(data);
        MemorySegment.copy(data, 0, region.segment(), ValueLayout.JAVA_BYTE, 0, length);
        return region;
    }

    protected static byte[] bytes(MemorySegment segment, long offset, int length) {
        byte[] out = new byte[length];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, out, 0, length);
        return out;
    }

    /** What offsets and lengths are multiples of: the engine's alignment, 8, and the scratch space's granularity. */
    private int unit() {
        return unit;
    }

    private int largestOp() {
        return Math.min(caps.maxTransferBytes(), largestOpBytes());
    }

    private int alignDown(int value) {
        return Math.max(unit(), value / unit() * unit());
    }

    private int alignUp(int value) {
        return (value + unit() - 1) / unit() * unit();
    }
}
