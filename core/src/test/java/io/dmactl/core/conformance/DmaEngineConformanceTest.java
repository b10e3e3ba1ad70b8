package io.dmactl.core.conformance;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.spi.CompletionBatch;
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
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class DmaEngineConformanceTest {
    protected EngineFixture fixture;
    protected DmaEngine engine;
    protected EngineCapabilities caps;
    protected DmaChannel channel;
    protected CompletionBatch batch;
    private final Random random = new Random(0x5eed);

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

    @BeforeEach
    void openEngine() {
        fixture = openFixture();
        engine = fixture.engine();
        caps = engine.capabilities();
        channel = engine.channel(0);
        batch = new CompletionBatch(caps.ringSize());
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
        for (int size : new int[] {unit(), 64, 4096, Math.min(65536, largestOp())}) {
            int length = alignDown(size);
            EngineFixture.HostRegion src = randomHost(length);
            EngineFixture.HostRegion dst = fixture.allocateHost(length + 64);
            long ticket = channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), length, FLAG_SUBMIT);
            assertTrue(ticket >= 0, "enqueue returned " + ticket);
            Map<Long, Done> done = await(channel, 1);
            assertEquals(OpStatus.name(OpStatus.SUCCESS), OpStatus.name(done.get(ticket).status()), "copy of " + length);
            assertArrayEquals(bytes(src.segment(), 0, length), bytes(dst.segment(), 0, length), "copy of " + length);
            assertArrayEquals(new byte[64], bytes(dst.segment(), length, 64), "bytes past a copy of " + length + " changed");
        }
    }

    @Test
    void fillRepeatsThePatternFromTheFirstByte() {
        assumeTrue(caps.supports(DmaOpKind.FILL), "engine has no FILL");
        long pattern = 0x0807060504030201L;
        int length = Math.max(alignUp(100), alignUp(Long.BYTES));
        EngineFixture.HostRegion dst = fixture.allocateHost(4096 + 64);
        for (int len : new int[] {length, alignDown(Math.min(4096, largestOp()))}) {
            dst.segment().fill((byte) 0);
            long ticket = channel.enqueueFill(pattern, SPACE_BUS, dst.busAddress(), len, FLAG_SUBMIT);
            assertEquals("SUCCESS", OpStatus.name(await(channel, 1).get(ticket).status()));
            for (int i = 0; i < len; i++) {
                byte expected = (byte) (pattern >>> (8 * (i & 7)));
                assertEquals(expected, dst.segment().get(ValueLayout.JAVA_BYTE, i), "fill byte " + i + " of " + len);
            }
            assertArrayEquals(new byte[64], bytes(dst.segment(), len, 64), "bytes past a fill of " + len + " changed");
        }
    }

    @Test
    void ticketsAreConsecutiveAndEachIsReportedExactlyOnce() {
        int count = Math.min(caps.ringSize(), 32);
        int record = unit();
        EngineFixture.HostRegion src = randomHost(count * record);
        EngineFixture.HostRegion dst = fixture.allocateHost(count * record);
        long first = -1;
        for (int i = 0; i < count; i++) {
            long t = channel.enqueueCopy(SPACE_BUS, src.busAddress() + (long) i * record, SPACE_BUS,
                dst.busAddress() + (long) i * record, record, 0);
            if (first < 0) {
                first = t;
            }
            assertEquals(first + i, t, "tickets must be consecutive");
        }
        channel.submit();
        Map<Long, Done> done = await(channel, count);
        for (int i = 0; i < count; i++) {
            assertEquals("SUCCESS", OpStatus.name(done.get(first + i).status()), "ticket " + (first + i));
        }
        assertEquals(0, pollFor(channel, 50), "completions reported after all tickets were");
        assertArrayEquals(bytes(src.segment(), 0, count * record), bytes(dst.segment(), 0, count * record));
    }

    @Test
    void nothingMovesBeforeSubmit() {
        int length = alignDown(4096);
        EngineFixture.HostRegion src = randomHost(length);
        EngineFixture.HostRegion dst = fixture.allocateHost(length);
        long ticket = channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), length, 0);
        assertEquals(0, pollFor(channel, 50), "an op completed before submit()");
        assertArrayEquals(new byte[length], bytes(dst.segment(), 0, length), "bytes moved before submit()");
        channel.submit();
        assertEquals("SUCCESS", OpStatus.name(await(channel, 1).get(ticket).status()));
        assertArrayEquals(bytes(src.segment(), 0, length), bytes(dst.segment(), 0, length));
    }

    @Test
    void fullRingReturnsNoSpaceUntilCompletionsAreHarvested() {
        int ring = caps.ringSize();
        int record = unit();
        EngineFixture.HostRegion src = randomHost(ring * record);
        EngineFixture.HostRegion dst = fixture.allocateHost(ring * record);
        long first = -1;
        for (int i = 0; i < ring; i++) {
            long t = channel.enqueueCopy(SPACE_BUS, src.busAddress() + (long) i * record, SPACE_BUS,
                dst.busAddress() + (long) i * record, record, 0);
            assertNotEquals(NO_SPACE, t, "ring refused op " + i + " of " + ring);
            first = first < 0 ? t : first;
        }
        assertEquals(NO_SPACE, channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), record, 0),
            "a full ring must refuse");
        channel.submit();
        assertEquals(NO_SPACE, channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), record, 0),
            "submitted but unharvested ops still occupy the ring");
        Map<Long, Done> done = await(channel, ring);
        for (Done d : done.values()) {
            assertEquals("SUCCESS", OpStatus.name(d.status()));
        }
        long again = channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), record, FLAG_SUBMIT);
        assertEquals(first + ring, again, "ring must accept again after harvesting, with the next ticket");
        await(channel, 1);
        assertArrayEquals(bytes(src.segment(), 0, ring * record), bytes(dst.segment(), 0, ring * record));
    }

    @Test
    void ringWrapsAroundManyTimes() {
        int ring = caps.ringSize();
        int total = 3 * ring + 5;
        int record = unit();
        EngineFixture.HostRegion src = randomHost(total * record);
        EngineFixture.HostRegion dst = fixture.allocateHost(total * record);
        int burst = ring / 2 + 1;
        int enqueued = 0;
        Map<Long, Done> done = new LinkedHashMap<>();
        long deadline = System.nanoTime() + completionTimeoutMillis() * 1_000_000;
        while (done.size() < total) {
            int inBurst = 0;
            while (enqueued < total && inBurst < burst) {
                long t = channel.enqueueCopy(SPACE_BUS, src.busAddress() + (long) enqueued * record, SPACE_BUS,
                    dst.busAddress() + (long) enqueued * record, record, 0);
                if (t == NO_SPACE) {
                    break;
                }
                enqueued++;
                inBurst++;
            }
            channel.submit();
            harvest(channel, done);
            if (System.nanoTime() - deadline > 0) {
                fail("only " + done.size() + " of " + total + " completions");
            }
        }
        for (Done d : done.values()) {
            assertEquals("SUCCESS", OpStatus.name(d.status()), "ticket " + d.ticket());
        }
        assertArrayEquals(bytes(src.segment(), 0, total * record), bytes(dst.segment(), 0, total * record));
    }

    @Test
    void fenceMakesAnOpWaitForEveryEarlierOp() {
        int length = alignDown(Math.min(16384, largestOp()));
        int rounds = Math.min(8, caps.ringSize() / 2);
        List<EngineFixture.HostRegion[]> chains = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            EngineFixture.HostRegion a = randomHost(length);
            EngineFixture.HostRegion b = fixture.allocateHost(length);
            EngineFixture.HostRegion c = fixture.allocateHost(length);
            chains.add(new EngineFixture.HostRegion[] {a, b, c});
            channel.enqueueCopy(SPACE_BUS, a.busAddress(), SPACE_BUS, b.busAddress(), length, 0);
            channel.enqueueCopy(SPACE_BUS, b.busAddress(), SPACE_BUS, c.busAddress(), length, FLAG_FENCE);
        }
        channel.submit();
        for (Done d : await(channel, 2 * rounds).values()) {
            assertEquals("SUCCESS", OpStatus.name(d.status()));
        }
        for (int r = 0; r < rounds; r++) {
            EngineFixture.HostRegion[] chain = chains.get(r);
            assertArrayEquals(bytes(chain[0].segment(), 0, length), bytes(chain[2].segment(), 0, length),
                "round " + r + ": the fenced copy B->C ran before A->B completed");
        }
    }

    @Test
    void inOrderEnginesCompleteInTicketOrder() {
        assumeTrue(caps.inOrderCompletion(), "engine may complete out of order");
        int count = Math.min(caps.ringSize(), 64);
        EngineFixture.HostRegion src = randomHost(count * unit());
        EngineFixture.HostRegion dst = fixture.allocateHost(count * unit());
        for (int i = 0; i < count; i++) {
            channel.enqueueCopy(SPACE_BUS, src.busAddress() + (long) i * unit(), SPACE_BUS, dst.busAddress() + (long) i * unit(),
                unit(), 0);
        }
        channel.submit();
        List<Long> order = new ArrayList<>(await(channel, count).keySet());
        for (int i = 1; i < order.size(); i++) {
            assertTrue(order.get(i) > order.get(i - 1), "completion order " + order);
        }
    }

    @Test
    void undecodableDescriptorsCompleteInvalidAndMoveNothing() {
        int length = alignDown(4096);
        EngineFixture.HostRegion src = randomHost(length);
        EngineFixture.HostRegion dst = fixture.allocateHost(length);
        long unknownSpace = channel.enqueueCopy(77, 0, SPACE_BUS, dst.busAddress(), length, 0);
        long emptyOp = channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), 0, 0);
        long negative = channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), -length, 0);
        channel.submit();
        Map<Long, Done> done = await(channel, 3);
        assertEquals("INVALID", OpStatus.name(done.get(unknownSpace).status()), "copy from unknown space 77");
        assertEquals("INVALID", OpStatus.name(done.get(emptyOp).status()), "copy of 0 bytes");
        assertEquals("INVALID", OpStatus.name(done.get(negative).status()), "copy of " + (-length) + " bytes");
        assertArrayEquals(new byte[length], bytes(dst.segment(), 0, length), "an invalid op moved bytes");
        long good = channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), length, FLAG_SUBMIT);
        assertEquals("SUCCESS", OpStatus.name(await(channel, 1).get(good).status()), "channel broken after invalid ops");
    }

    @Test
    void resetDropsOutstandingOpsAndTheChannelKeepsWorking() {
        int length = alignDown(4096);
        EngineFixture.HostRegion src = randomHost(length);
        EngineFixture.HostRegion dst = fixture.allocateHost(length);
        int before = Math.min(4, caps.ringSize());
        long first = -1;
        for (int i = 0; i < before; i++) {
            long t = channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), length, 0);
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
        long after = channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, fresh.busAddress(), length, FLAG_SUBMIT);
        assertEquals(first + before, after, "tickets continue across a reset");
        Map<Long, Done> done = await(channel, 1);
        assertEquals("SUCCESS", OpStatus.name(done.get(after).status()));
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
        int length = alignDown(largestOp());
        EngineFixture.HostRegion src = randomHost(length);
        EngineFixture.HostRegion dst = fixture.allocateHost(length);
        long ticket = channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), length, FLAG_SUBMIT);
        assertEquals("SUCCESS", OpStatus.name(await(channel, 1).get(ticket).status()));
        assertArrayEquals(bytes(src.segment(), 0, length), bytes(dst.segment(), 0, length));
    }

    @Test
    void everyChannelWorks() {
        int length = alignDown(1024);
        for (int i = 0; i < caps.channelCount(); i++) {
            DmaChannel c = engine.channel(i);
            EngineFixture.HostRegion src = randomHost(length);
            EngineFixture.HostRegion dst = fixture.allocateHost(length);
            long ticket = c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), length, FLAG_SUBMIT);
            assertEquals("SUCCESS", OpStatus.name(await(c, 1).get(ticket).status()), "channel " + i);
            assertArrayEquals(bytes(src.segment(), 0, length), bytes(dst.segment(), 0, length), "channel " + i);
        }
    }

    @Test
    void interruptSignalsCompletion() {
        assumeTrue(caps.interrupts(), "engine has no interrupts");
        int length = alignDown(4096);
        EngineFixture.HostRegion src = randomHost(length);
        EngineFixture.HostRegion dst = fixture.allocateHost(length);
        long ticket = channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), length, FLAG_SUBMIT);
        assertTrue(channel.interrupt().await(completionTimeoutMillis() * 1_000_000L), "no interrupt after a completion");
        assertEquals("SUCCESS", OpStatus.name(await(channel, 1).get(ticket).status()));
    }

    // ---------------------------------------------------------------- helpers

    /** One completion as reported by poll. */
    public record Done(long ticket, int status, int deviceCode) {
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
            Done d = new Done(batch.ticket(i), batch.status(i), batch.deviceCode(i));
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

    private int unit() {
        return Math.max(caps.alignmentBytes(), 8);
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
