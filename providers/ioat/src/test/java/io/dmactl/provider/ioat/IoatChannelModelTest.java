package io.dmactl.provider.ioat;

import io.dmactl.core.conformance.EngineFixture.HostRegion;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.provider.ioat.model.IoatDeviceModel;
import io.dmactl.provider.ioat.model.IoatModelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The channel's protocol against the device model: doorbells, null descriptors for refused ops,
 * the fence bit, CHANERR recovery with every op ending with a status, retirement, forged completions,
 * MSI-X. Data is checked byte for byte.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoatChannelModelTest {
    private static final int LEN = 4096;
    private IoatModelFixture fixture;
    private final Random random = new Random(14);

    private IoatModelFixture open(IoatDeviceModel.Config config, Map<String, String> options) {
        fixture = new IoatModelFixture(config, options);
        return fixture;
    }

    private IoatModelFixture open() {
        return open(IoatDeviceModel.Config.defaults().withChannels(1), Map.of(IoatProvider.OPTION_RING_SIZE, "64",
            IoatProvider.OPTION_RESET_TIMEOUT_MILLIS, "200"));
    }

    @AfterEach
    void close() {
        if (fixture != null) {
            IoatDeviceModel model = fixture.model();
            fixture.close();
            assertEquals(List.of(), model.violations(), "register protocol violations");
        }
    }

    private HostRegion random(int length) {
        HostRegion r = fixture.allocateHost(length);
        byte[] data = new byte[length];
        random.nextBytes(data);
        MemorySegment.copy(data, 0, r.segment(), ValueLayout.JAVA_BYTE, 0, length);
        return r;
    }

    private static byte[] bytes(HostRegion r, long offset, int length) {
        return r.segment().asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    private record Done(int status, int code) {
    }

    private static Map<Long, Done> await(DmaChannel c, int count) {
        CompletionBatch batch = new CompletionBatch(c.capacity());
        Map<Long, Done> done = new LinkedHashMap<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (done.size() < count) {
            int n = c.poll(batch);
            for (int i = 0; i < n; i++) {
                assertNull(done.put(batch.ticket(i), new Done(batch.status(i), batch.deviceCode(i))), "ticket reported twice");
            }
            if (n == 0) {
                if (System.nanoTime() > deadline) {
                    fail("only " + done.size() + " of " + count + " completions: " + done);
                }
                Thread.yield();
            }
        }
        return done;
    }

    private static int pollFor(DmaChannel c, long millis) {
        CompletionBatch batch = new CompletionBatch(c.capacity());
        int seen = 0;
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            seen += c.poll(batch);
            Thread.yield();
        }
        return seen;
    }

    @Test
    void oneDoorbellPerSubmitAndNothingRunsBeforeIt() {
        IoatModelFixture f = open();
        DmaChannel c = f.engine().channel(0);
        HostRegion src = random(32 * 64);
        HostRegion dst = f.allocateHost(32 * 64);
        long bells = f.model().doorbells(0);
        for (int i = 0; i < 32; i++) {
            c.enqueueCopy(SPACE_BUS, src.busAddress() + 64L * i, SPACE_BUS, dst.busAddress() + 64L * i, 64, 0);
        }
        assertEquals(bells, f.model().doorbells(0), "enqueue rang the doorbell");
        assertEquals(0, pollFor(c, 30));
        c.submit();
        assertEquals(bells + 1, f.model().doorbells(0), "32 ops, one DMACOUNT write");
        c.submit();
        assertEquals(bells + 1, f.model().doorbells(0), "an empty submit rang the doorbell");
        Map<Long, Done> done = await(c, 32);
        done.values().forEach(d -> assertEquals(OpStatus.SUCCESS, d.status()));
        assertArrayEquals(bytes(src, 0, 32 * 64), bytes(dst, 0, 32 * 64));
    }

    @Test
    void opsTheEngineCannotRunAreNullDescriptorsThatCompleteInvalid() {
        IoatModelFixture f = open(IoatDeviceModel.Config.defaults().withChannels(1).withXfercapLog(12).withDmaCapability(0),
            Map.of(IoatProvider.OPTION_COMPLETION, "poll"));
        DmaChannel c = f.engine().channel(0);
        HostRegion src = random(8192);
        HostRegion dst = f.allocateHost(8192);
        long run = f.model().descriptorsRun(0);
        long tooLong = c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), 4097, 0);
        long fill = c.enqueueFill(0x1122334455667788L, SPACE_BUS, dst.busAddress(), 64, 0);
        long space = c.enqueueCopy(2, 0, SPACE_BUS, dst.busAddress(), 64, 0);
        long good = c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), 4096, FLAG_SUBMIT);
        Map<Long, Done> done = await(c, 4);
        assertEquals(new Done(OpStatus.INVALID, IoatChannel.INVALID_LENGTH), done.get(tooLong));
        assertEquals(new Done(OpStatus.INVALID, IoatChannel.INVALID_NO_FILL), done.get(fill));
        assertEquals(new Done(OpStatus.INVALID, IoatChannel.INVALID_SPACE), done.get(space));
        assertEquals(new Done(OpStatus.SUCCESS, 0), done.get(good));
        assertEquals(run + 4, f.model().descriptorsRun(0), "refused ops still took their ring slot as null descriptors");
        assertArrayEquals(bytes(src, 0, 4096), bytes(dst, 0, 4096));
        assertArrayEquals(new byte[4096], bytes(dst, 4096, 4096), "nothing beyond the good copy moved");
    }

    @Test
    void theModelsPipelineHazardIsRealAndFenceClosesIt() {
        IoatModelFixture f = open();
        DmaChannel c = f.engine().channel(0);
        HostRegion a = random(LEN);
        HostRegion b = f.allocateHost(LEN);
        HostRegion c1 = f.allocateHost(LEN);
        HostRegion b2 = f.allocateHost(LEN);
        HostRegion c2 = f.allocateHost(LEN);
        // Unfenced A->B, B->C in one batch: the model reads B for the second before the first wrote it.
        c.enqueueCopy(SPACE_BUS, a.busAddress(), SPACE_BUS, b.busAddress(), LEN, 0);
        c.enqueueCopy(SPACE_BUS, b.busAddress(), SPACE_BUS, c1.busAddress(), LEN, FLAG_SUBMIT);
        await(c, 2);
        assertArrayEquals(bytes(a, 0, LEN), bytes(b, 0, LEN));
        assertArrayEquals(new byte[LEN], bytes(c1, 0, LEN), "without a fence the dependent copy saw B before A->B wrote it");
        // The same with FLAG_FENCE on the dependent copy: the previous descriptor carries FENCE.
        c.enqueueCopy(SPACE_BUS, a.busAddress(), SPACE_BUS, b2.busAddress(), LEN, 0);
        c.enqueueCopy(SPACE_BUS, b2.busAddress(), SPACE_BUS, c2.busAddress(), LEN, FLAG_FENCE | FLAG_SUBMIT);
        await(c, 2);
        assertArrayEquals(bytes(a, 0, LEN), bytes(c2, 0, LEN), "the fenced copy ran before the one it depends on");
    }

    @Test
    void aBadSourceEndsThatOpWithTransferFaultAndTheRestStillRun() {
        IoatModelFixture f = open();
        DmaChannel c = f.engine().channel(0);
        HostRegion src = random(5 * LEN);
        HostRegion dst = f.allocateHost(5 * LEN);
        long[] t = new long[5];
        for (int i = 0; i < 5; i++) {
            long from = i == 2 ? 0x7f00_0000_0000L : src.busAddress() + (long) i * LEN; // op 2: an IOVA nothing maps
            t[i] = c.enqueueCopy(SPACE_BUS, from, SPACE_BUS, dst.busAddress() + (long) i * LEN, LEN, 0);
        }
        c.submit();
        Map<Long, Done> done = await(c, 5);
        assertEquals(new Done(OpStatus.TRANSFER_FAULT, IoatDeviceModel.CHANERR_SRC_ADDR), done.get(t[2]), "CHANERR kept as the device code");
        for (int i : new int[] {0, 1, 3, 4}) {
            assertEquals(new Done(OpStatus.SUCCESS, 0), done.get(t[i]), "op " + i);
            assertArrayEquals(bytes(src, (long) i * LEN, LEN), bytes(dst, (long) i * LEN, LEN), "op " + i);
        }
        assertArrayEquals(new byte[LEN], bytes(dst, 2L * LEN, LEN), "the failed op wrote");
        IoatEngine engine = (IoatEngine) f.engine();
        assertEquals(1, engine.recoveries(0));
        assertEquals(2, f.model().resets(0), "open, then the recovery");
        assertEquals(0, f.model().chanerr(0), "CHANERR cleared");
        assertNull(engine.fatalCondition());
        // The channel keeps serving, tickets continue.
        long next = c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress() + 2L * LEN, LEN, FLAG_SUBMIT);
        assertEquals(t[4] + 1, next);
        assertEquals(new Done(OpStatus.SUCCESS, 0), await(c, 1).get(next));
        assertArrayEquals(bytes(src, 0, LEN), bytes(dst, 2L * LEN, LEN));
    }

    @Test
    void injectedDeviceErrorsKeepTheirCodeAndNoOpIsLost() {
        IoatModelFixture f = open();
        DmaChannel c = f.engine().channel(0);
        HostRegion src = random(8 * LEN);
        HostRegion dst = f.allocateHost(8 * LEN);
        f.model().failDescriptor(0, 3, IoatDeviceModel.CHANERR_READ_DATA);
        long first = -1;
        for (int i = 0; i < 8; i++) {
            long t = c.enqueueCopy(SPACE_BUS, src.busAddress() + (long) i * LEN, SPACE_BUS, dst.busAddress() + (long) i * LEN, LEN, 0);
            first = first < 0 ? t : first;
        }
        c.submit();
        Map<Long, Done> done = await(c, 8);
        assertEquals(new Done(OpStatus.TRANSFER_FAULT, IoatDeviceModel.CHANERR_READ_DATA), done.get(first + 3));
        f.model().failDescriptor(0, 0, IoatDeviceModel.CHANERR_CONTROL);
        long control = c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress() + 3L * LEN, LEN, 0);
        long after = c.enqueueCopy(SPACE_BUS, src.busAddress() + 3L * LEN, SPACE_BUS, dst.busAddress() + 3L * LEN, LEN, FLAG_FENCE | FLAG_SUBMIT);
        Map<Long, Done> more = await(c, 2);
        assertEquals(new Done(OpStatus.DEVICE_ERROR, IoatDeviceModel.CHANERR_CONTROL), more.get(control), "a non-address error");
        assertEquals(new Done(OpStatus.SUCCESS, 0), more.get(after));
        assertArrayEquals(bytes(src, 0, 8 * LEN), bytes(dst, 0, 8 * LEN), "every op but the failed ones moved its bytes");
        assertEquals(2, ((IoatEngine) f.engine()).recoveries(0));
    }

    @Test
    void errorsOnTheFirstDescriptorsAfterEachResetAreRecoveredToo() {
        IoatModelFixture f = open();
        DmaChannel c = f.engine().channel(0);
        HostRegion src = random(4 * LEN);
        HostRegion dst = f.allocateHost(4 * LEN);
        f.model().failDescriptor(0, 0, IoatDeviceModel.CHANERR_READ_DATA);
        long first = c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), LEN, 0);
        // An unmapped destination: fails as the first descriptor after the recovery's reset.
        long second = c.enqueueCopy(SPACE_BUS, src.busAddress() + LEN, SPACE_BUS, 0x7f00_0000_0000L, LEN, 0);
        long third = c.enqueueCopy(SPACE_BUS, src.busAddress() + 2 * LEN, SPACE_BUS, dst.busAddress() + 2 * LEN, LEN, FLAG_SUBMIT);
        Map<Long, Done> done = await(c, 3);
        assertEquals(new Done(OpStatus.TRANSFER_FAULT, IoatDeviceModel.CHANERR_READ_DATA), done.get(first));
        assertEquals(new Done(OpStatus.TRANSFER_FAULT, IoatDeviceModel.CHANERR_DEST_ADDR), done.get(second));
        assertEquals(new Done(OpStatus.SUCCESS, 0), done.get(third));
        assertArrayEquals(bytes(src, 2L * LEN, LEN), bytes(dst, 2L * LEN, LEN));
        assertNull(f.engine().fatalCondition());
        assertEquals(2, ((IoatEngine) f.engine()).recoveries(0));
    }

    @Test
    void aHaltedCompletionTheRegistersDenyIsNotBelieved() {
        IoatModelFixture f = open();
        DmaChannel c = f.engine().channel(0);
        HostRegion src = random(LEN);
        HostRegion dst = f.allocateHost(LEN);
        f.model().stall(0, true);
        c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), LEN, FLAG_SUBMIT);
        f.model().forgeCompletion(0, 3); // HALTED, while the channel is merely stalled (CHANSTS is not HALTED)
        assertEquals(0, pollFor(c, 20));
        assertTrue(f.engine().fatalCondition().contains("says HALTED while CHANSTS reads"), f.engine().fatalCondition());
        f.model().stall(0, false);
        f.engine().reset();
        assertNull(f.engine().fatalCondition());
    }

    @Test
    void aChannelThatWillNotResetIsRetiredWithTheReason() {
        IoatModelFixture f = open();
        DmaChannel c = f.engine().channel(0);
        HostRegion src = random(3 * LEN);
        HostRegion dst = f.allocateHost(3 * LEN);
        f.model().breakResets(0);
        f.model().failDescriptor(0, 0, IoatDeviceModel.CHANERR_WRITE_DATA);
        long first = c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), LEN, 0);
        c.enqueueCopy(SPACE_BUS, src.busAddress() + LEN, SPACE_BUS, dst.busAddress() + LEN, LEN, 0);
        c.enqueueCopy(SPACE_BUS, src.busAddress() + 2 * LEN, SPACE_BUS, dst.busAddress() + 2 * LEN, LEN, FLAG_SUBMIT);
        Map<Long, Done> done = await(c, 1);
        assertEquals(new Done(OpStatus.TRANSFER_FAULT, IoatDeviceModel.CHANERR_WRITE_DATA), done.get(first));
        String reason = f.engine().fatalCondition();
        assertNotNull(reason, "a channel that did not recover must be reported");
        assertTrue(reason.contains("channel 0") && reason.contains("WRITE_DATA_ERR") && reason.contains("did not recover"), reason);
        assertEquals(0, pollFor(c, 30), "a retired channel reports nothing more (the core's reset fails the rest)");
        assertEquals(NO_SPACE, c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), 64, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.engine().reset());
        assertTrue(e.getMessage().contains("did not come back from reset"), e.getMessage());
        // Once the device resets again, an engine reset brings the channel back; dropped tickets are never reported.
        f.model().repairResets(0);
        f.engine().reset();
        assertNull(f.engine().fatalCondition());
        long again = c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), LEN, FLAG_SUBMIT);
        assertEquals(first + 3, again, "tickets continue across the reset");
        Map<Long, Done> later = await(c, 1);
        assertEquals(new Done(OpStatus.SUCCESS, 0), later.get(again), later.toString());
        assertArrayEquals(bytes(src, 0, LEN), bytes(dst, 0, LEN));
    }

    @Test
    void aForgedCompletionStopsTheChannelUntilTheEngineIsReset() {
        IoatModelFixture f = open();
        DmaChannel c = f.engine().channel(0);
        HostRegion src = random(LEN);
        HostRegion dst = f.allocateHost(LEN);
        f.model().stall(0, true);
        long t = c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), LEN, FLAG_SUBMIT);
        f.model().forgeCompletion(0, 0xdead_0000L | 1);
        assertEquals(0, pollFor(c, 20), "a completion outside the ring was believed");
        String reason = f.engine().fatalCondition();
        assertNotNull(reason);
        assertTrue(reason.contains("0xdead0001") && reason.contains("names no descriptor of the ring"), reason);
        f.model().stall(0, false);
        f.engine().reset();
        assertNull(f.engine().fatalCondition());
        long next = c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), LEN, FLAG_SUBMIT);
        assertEquals(t + 1, next);
        Map<Long, Done> done = await(c, 1);
        assertFalse(done.containsKey(t), "a ticket dropped by the reset was reported");
        assertArrayEquals(bytes(src, 0, LEN), bytes(dst, 0, LEN));
    }

    @Test
    void aCompletionNamingAnUnsubmittedDescriptorIsNotBelieved() {
        IoatModelFixture f = open();
        DmaChannel c = f.engine().channel(0);
        HostRegion src = random(LEN);
        HostRegion dst = f.allocateHost(LEN);
        f.model().stall(0, true);
        c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), LEN, FLAG_SUBMIT);
        IoatChannel channel = (IoatChannel) c;
        f.model().forgeCompletion(0, (channel.ringIova + 10L * IoatDescriptor.BYTES) | 1); // slot 10: never submitted
        assertEquals(0, pollFor(c, 20));
        assertTrue(f.engine().fatalCondition().contains("never submitted"), f.engine().fatalCondition());
        f.model().stall(0, false);
        f.engine().reset();
    }

    @Test
    void msixRaisesOneInterruptPerBatchAndIsRearmed() {
        IoatModelFixture f = open();
        DmaChannel c = f.engine().channel(0);
        HostRegion src = random(LEN);
        HostRegion dst = f.allocateHost(LEN);
        for (int round = 1; round <= 3; round++) {
            for (int i = 0; i < 4; i++) {
                c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), LEN, i == 3 ? FLAG_SUBMIT : 0);
            }
            assertTrue(c.interrupt().await(5_000_000_000L), "no interrupt in round " + round);
            await(c, 4);
            assertEquals(round, f.model().interruptsRaised(0), "INT_EN on the batch's last descriptor only, re-armed by poll");
        }
        assertArrayEquals(bytes(src, 0, LEN), bytes(dst, 0, LEN));
    }

    @Test
    void anInterruptThatArrivesAfterItsCompletionsWereHarvestedIsStillReArmed() {
        IoatModelFixture f = open();
        DmaChannel c = f.engine().channel(0);
        HostRegion src = random(LEN);
        HostRegion dst = f.allocateHost(LEN);
        f.model().delayInterrupts(0, 20_000_000); // the completion is seen well before the interrupt clears INT_REARM
        c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), LEN, FLAG_SUBMIT);
        await(c, 1); // harvested by polling, before the device raised (and disarmed) the interrupt
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (f.model().interruptsRaised(0) < 1) {
            assertTrue(System.nanoTime() < deadline, "the model raised no interrupt");
            Thread.yield();
        }
        assertTrue(c.interrupt().await(2_000_000_000L));
        assertEquals(0, pollFor(c, 1), "nothing left to harvest; this poll must still re-arm");
        // The owner now sleeps on the interrupt without polling first, as a channel worker does.
        c.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), LEN, FLAG_SUBMIT);
        assertTrue(c.interrupt().await(2_000_000_000L), "INT_REARM was not written back after the first interrupt:"
            + " the second batch raised none");
        assertEquals(new Done(OpStatus.SUCCESS, 0), await(c, 1).values().iterator().next());
    }

    @Test
    void fillRepeatsThePatternLittleEndian() {
        IoatModelFixture f = open();
        DmaChannel c = f.engine().channel(0);
        HostRegion dst = f.allocateHost(LEN + 64);
        long t = c.enqueueFill(0x0807060504030201L, SPACE_BUS, dst.busAddress() + 3, 1000, FLAG_SUBMIT);
        assertEquals(new Done(OpStatus.SUCCESS, 0), await(c, 1).get(t));
        byte[] got = bytes(dst, 0, 1100);
        for (int i = 0; i < 1100; i++) {
            int expected = i < 3 || i >= 1003 ? 0 : ((i - 3) & 7) + 1;
            assertEquals((byte) expected, got[i], "byte " + i);
        }
    }
}
