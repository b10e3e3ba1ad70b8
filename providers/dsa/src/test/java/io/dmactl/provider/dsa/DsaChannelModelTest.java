package io.dmactl.provider.dsa;

import io.dmactl.core.conformance.EngineFixture.HostRegion;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.provider.dsa.model.DsaDeviceModel;
import io.dmactl.provider.dsa.model.DsaModelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static io.dmactl.core.spi.DmaChannel.FLAG_FENCE;
import static io.dmactl.core.spi.DmaChannel.FLAG_SUBMIT;
import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dsa channel's ops, batches and fault handling on the device model (cdev path), byte for byte. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DsaChannelModelTest {
    private final Random random = new Random(13);
    private DsaModelFixture fixture;
    private DmaChannel channel;
    private DsaDeviceModel model;

    private void open(DsaDeviceModel.Config config, Map<String, String> options) {
        fixture = new DsaModelFixture(config, 1, options);
        channel = fixture.engine().channel(0);
        model = fixture.model("wq0.0");
    }

    @AfterEach
    void close() {
        if (fixture != null) {
            List<String> violations = fixture.violations();
            fixture.close();
            assertEquals(List.of(), violations);
        }
    }

    record Done(int status, int code, long result) {
    }

    private Map<Long, Done> await(int count) {
        Map<Long, Done> done = new HashMap<>();
        CompletionBatch batch = new CompletionBatch(256);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (done.size() < count) {
            int n = channel.poll(batch);
            for (int i = 0; i < n; i++) {
                Done previous = done.put(batch.ticket(i), new Done(batch.status(i), batch.deviceCode(i), batch.resultValue(i)));
                assertEquals(null, previous, "ticket " + batch.ticket(i) + " reported twice");
            }
            assertTrue(System.nanoTime() < deadline, "only " + done.size() + " of " + count + " completed: " + done);
        }
        return done;
    }

    private HostRegion random(int length) {
        HostRegion r = fixture.allocateHost(length);
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        r.segment().asByteBuffer().put(bytes);
        return r;
    }

    private static byte[] bytes(HostRegion r, long offset, int length) {
        return r.segment().asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void crcMatchesJavaUtilZipCrc32cAndChainsThroughTheSeed() {
        open(DsaDeviceModel.Config.defaults(), Map.of());
        for (int length : new int[] {1, 7, 64, 4096, 65537}) {
            HostRegion data = random(length);
            CRC32C expected = new CRC32C();
            expected.update(bytes(data, 0, length));
            long t = channel.enqueueCrc32c(SPACE_BUS, data.busAddress(), length, 0, FLAG_SUBMIT);
            Done d = await(1).get(t);
            assertEquals(OpStatus.SUCCESS, d.status(), "crc of " + length);
            assertEquals(expected.getValue(), d.result(), "crc of " + length);
            if (length > 1) {
                int half = length / 2;
                long first = channel.enqueueCrc32c(SPACE_BUS, data.busAddress(), half, 0, FLAG_SUBMIT);
                long seed = await(1).get(first).result();
                long second = channel.enqueueCrc32c(SPACE_BUS, data.busAddress() + half, length - half, (int) seed, FLAG_SUBMIT);
                assertEquals(expected.getValue(), await(1).get(second).result(), "chained crc of " + length);
            }
        }
    }

    @Test
    void compareAndComparePatternReportTheFirstDifferingOffset() {
        open(DsaDeviceModel.Config.defaults(), Map.of());
        int length = 8192;
        HostRegion a = random(length);
        HostRegion b = fixture.allocateHost(length);
        b.segment().copyFrom(a.segment().asSlice(0, length));
        long equal = channel.enqueueCompare(SPACE_BUS, a.busAddress(), SPACE_BUS, b.busAddress(), length, FLAG_SUBMIT);
        assertEquals(DmaOpKind.COMPARE_EQUAL, await(1).get(equal).result());
        b.segment().set(ValueLayout.JAVA_BYTE, 5000, (byte) ~b.segment().get(ValueLayout.JAVA_BYTE, 5000));
        long differ = channel.enqueueCompare(SPACE_BUS, a.busAddress(), SPACE_BUS, b.busAddress(), length, FLAG_SUBMIT);
        Done d = await(1).get(differ);
        assertEquals(OpStatus.SUCCESS, d.status());
        assertEquals(5000, d.result());
        assertArrayEquals(bytes(a, 0, 5000), bytes(b, 0, 5000), "compare wrote bytes");

        long pattern = 0x0807060504030201L;
        HostRegion p = fixture.allocateHost(length);
        for (int i = 0; i < length; i++) {
            p.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (i % 8 + 1));
        }
        long same = channel.enqueueComparePattern(pattern, SPACE_BUS, p.busAddress(), length, FLAG_SUBMIT);
        assertEquals(DmaOpKind.COMPARE_EQUAL, await(1).get(same).result());
        p.segment().set(ValueLayout.JAVA_BYTE, 4099, (byte) 0);
        long off = channel.enqueueComparePattern(pattern, SPACE_BUS, p.busAddress(), length, FLAG_SUBMIT);
        assertEquals(4099, await(1).get(off).result());
    }

    @Test
    void dualcastWritesBothDestinationsAndRefusesDifferentLowAddressBits() {
        open(DsaDeviceModel.Config.defaults(), Map.of());
        int length = 12288;
        HostRegion src = random(length);
        HostRegion d1 = fixture.allocateHost(length + 64);
        HostRegion d2 = fixture.allocateHost(length + 64);
        long t = channel.enqueueDualcast(SPACE_BUS, src.busAddress(), SPACE_BUS, d1.busAddress(), SPACE_BUS, d2.busAddress(), length,
            FLAG_SUBMIT);
        assertEquals(OpStatus.SUCCESS, await(1).get(t).status());
        assertArrayEquals(bytes(src, 0, length), bytes(d1, 0, length));
        assertArrayEquals(bytes(src, 0, length), bytes(d2, 0, length));
        assertArrayEquals(new byte[64], bytes(d2, length, 64));
        // DSA requires bits 11:0 of both destinations to be equal: DCAST_ERR, nothing written.
        HostRegion e1 = fixture.allocateHost(length + 64);
        HostRegion e2 = fixture.allocateHost(length + 64);
        long bad = channel.enqueueDualcast(SPACE_BUS, src.busAddress(), SPACE_BUS, e1.busAddress(), SPACE_BUS, e2.busAddress() + 8,
            length, FLAG_SUBMIT);
        Done d = await(1).get(bad);
        assertEquals(OpStatus.INVALID, d.status());
        assertEquals(DsaDeviceModel.S_DCAST_ERR, d.code());
        assertArrayEquals(new byte[length], bytes(e1, 0, length));
    }

    @Test
    void aRunOfSubmittedOpsGoesAsOneBatchDescriptorAndAFenceInsideItHolds() {
        open(DsaDeviceModel.Config.defaults(), Map.of(DsaProvider.OPTION_BATCH, "2"));
        int record = 512;
        int ops = 8;
        HostRegion src = random(record * ops);
        HostRegion dst = fixture.allocateHost(record * ops);
        long first = -1;
        for (int i = 0; i < ops; i++) {
            long t = channel.enqueueCopy(SPACE_BUS, src.busAddress() + (long) i * record, SPACE_BUS, dst.busAddress() + (long) i * record,
                record, 0);
            first = first < 0 ? t : first;
        }
        // A fenced copy of what op 0 wrote, inside the same batch: it must see op 0's bytes.
        HostRegion again = fixture.allocateHost(record);
        long fenced = channel.enqueueCopy(SPACE_BUS, dst.busAddress(), SPACE_BUS, again.busAddress(), record, FLAG_FENCE);
        channel.submit();
        Map<Long, Done> done = await(ops + 1);
        for (long t = first; t <= fenced; t++) {
            assertEquals(OpStatus.SUCCESS, done.get(t).status(), "ticket " + t);
        }
        assertEquals(1, model.batchesTaken(), "one batch descriptor");
        assertEquals(1, model.descriptorsTaken(), "one write of one descriptor for the whole run");
        assertArrayEquals(bytes(src, 0, record * ops), bytes(dst, 0, record * ops));
        assertArrayEquals(bytes(src, 0, record), bytes(again, 0, record));
    }

    @Test
    void aBadOpcodeCompletesInvalidWithTheDeviceCodeAndTheOthersSucceed() {
        open(DsaDeviceModel.Config.defaults(), Map.of(DsaProvider.OPTION_BATCH, "0"));
        HostRegion src = random(4096);
        HostRegion dst = fixture.allocateHost(3 * 4096);
        model.injectBadOpcode(1);
        long[] t = new long[3];
        for (int i = 0; i < 3; i++) {
            t[i] = channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress() + i * 4096L, 4096, 0);
        }
        channel.submit();
        Map<Long, Done> done = await(3);
        assertEquals(OpStatus.SUCCESS, done.get(t[0]).status());
        assertEquals(new Done(OpStatus.INVALID, DsaDeviceModel.S_BAD_OPCODE, 0), done.get(t[1]));
        assertEquals(OpStatus.SUCCESS, done.get(t[2]).status());
        assertArrayEquals(new byte[4096], bytes(dst, 4096, 4096), "the refused op wrote bytes");
        assertArrayEquals(bytes(src, 0, 4096), bytes(dst, 8192, 4096));
    }

    @Test
    void aPageFaultWithPartialCompletionIsResumedForEveryOp() {
        open(DsaDeviceModel.Config.defaults(), Map.of(DsaProvider.OPTION_BATCH, "0"));
        int length = 10_000;
        DsaChannel dsa = (DsaChannel) channel;
        // copy
        HostRegion src = random(length);
        HostRegion dst = fixture.allocateHost(length);
        model.injectPageFault(0, 4093);
        long copy = channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), length, FLAG_SUBMIT);
        assertEquals(OpStatus.SUCCESS, await(1).get(copy).status());
        assertArrayEquals(bytes(src, 0, length), bytes(dst, 0, length));
        assertEquals(1, dsa.resumes);
        // fill: the pattern continues at the faulting byte (13 is not a multiple of 8)
        HostRegion filled = fixture.allocateHost(length);
        long pattern = 0x1122334455667788L;
        model.injectPageFault(0, 13);
        long fill = channel.enqueueFill(pattern, SPACE_BUS, filled.busAddress(), length, FLAG_SUBMIT);
        assertEquals(OpStatus.SUCCESS, await(1).get(fill).status());
        for (int i = 0; i < length; i++) {
            assertEquals((byte) (pattern >>> (8 * (i % 8))), filled.segment().get(ValueLayout.JAVA_BYTE, i), "fill byte " + i);
        }
        // compare: the offset counts from the op's start, not the resumed descriptor's
        HostRegion b = fixture.allocateHost(length);
        b.segment().copyFrom(src.segment().asSlice(0, length));
        b.segment().set(ValueLayout.JAVA_BYTE, 7000, (byte) ~b.segment().get(ValueLayout.JAVA_BYTE, 7000));
        model.injectPageFault(0, 3000);
        long compare = channel.enqueueCompare(SPACE_BUS, src.busAddress(), SPACE_BUS, b.busAddress(), length, FLAG_SUBMIT);
        assertEquals(7000, await(1).get(compare).result());
        // crc: the partial CRC seeds the rest
        CRC32C expected = new CRC32C();
        expected.update(bytes(src, 0, length));
        model.injectPageFault(0, 5);
        long crc = channel.enqueueCrc32c(SPACE_BUS, src.busAddress(), length, 0, FLAG_SUBMIT);
        assertEquals(expected.getValue(), await(1).get(crc).result());
        assertEquals(4, dsa.resumes);
    }

    @Test
    void aFullSharedQueueLosesNoOp() {
        open(DsaDeviceModel.Config.defaults().shared().withSize(4), Map.of(DsaProvider.OPTION_BATCH, "0"));
        int ops = 16;
        int record = 256;
        HostRegion src = random(record * ops);
        HostRegion dst = fixture.allocateHost(record * ops);
        model.pause(true);
        for (int i = 0; i < ops; i++) {
            channel.enqueueCopy(SPACE_BUS, src.busAddress() + (long) i * record, SPACE_BUS, dst.busAddress() + (long) i * record, record, 0);
        }
        channel.submit();
        assertEquals(4, model.descriptorsTaken(), "a shared queue of 4 takes 4");
        model.refuseNextWrites(2);
        model.pause(false);
        Map<Long, Done> done = await(ops);
        done.values().forEach(d -> assertEquals(OpStatus.SUCCESS, d.status()));
        assertEquals(ops, model.descriptorsTaken());
        assertArrayEquals(bytes(src, 0, record * ops), bytes(dst, 0, record * ops));
    }

    @Test
    void aDedicatedQueueCapsTheRingAtItsSize() {
        open(DsaDeviceModel.Config.defaults().withSize(8), Map.of(DsaProvider.OPTION_RING_SIZE, "64"));
        assertEquals(8, channel.capacity());
        assertEquals(8, fixture.engine().capabilities().ringSize());
    }

    @Test
    void aHaltedDeviceRetiresTheEngineWithSwerrAndResetSaysWhy() {
        open(DsaDeviceModel.Config.defaults(), Map.of(DsaProvider.OPTION_DRAIN_TIMEOUT_MILLIS, "100"));
        HostRegion src = random(4096);
        HostRegion dst = fixture.allocateHost(4096);
        model.pause(true);
        channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), 4096, FLAG_SUBMIT);
        model.halt("0x20 (hardware error)");
        assertEquals(null, fixture.engine().fatalCondition());
        channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), 4096, FLAG_SUBMIT);
        String reason = fixture.engine().fatalCondition();
        assertNotNull(reason, "a refused write retires the queue");
        assertTrue(reason.contains("errno 6") && reason.contains("SWERR valid, error: 0x20"), reason);
        assertEquals(DmaChannel.NO_SPACE, channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), 64, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> fixture.engine().reset());
        assertTrue(e.getMessage().contains("SWERR"), e.getMessage());
    }

    @Test
    void aQueueThatDoesNotDrainMakesResetThrowWithTheAccelConfigRemedy() {
        open(DsaDeviceModel.Config.defaults(), Map.of(DsaProvider.OPTION_DRAIN_TIMEOUT_MILLIS, "100"));
        HostRegion src = random(4096);
        HostRegion dst = fixture.allocateHost(4096);
        model.pause(true);
        channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), 4096, FLAG_SUBMIT);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> fixture.engine().reset());
        assertTrue(e.getMessage().contains("did not complete within 100 ms") && e.getMessage().contains("accel-config"), e.getMessage());
        assertEquals(e.getMessage(), fixture.engine().fatalCondition());
        model.pause(false);
    }

    @Test
    void aMisalignedCompletionRecordIsReportedThroughSwerrByTheModel() {
        open(DsaDeviceModel.Config.defaults(), Map.of());
        HostRegion raw = fixture.allocateHost(4096);
        var d = raw.segment();
        d.set(ValueLayout.JAVA_INT, 4, (0x03 << 24) | 0x0c); // memmove, CRAV | RCR
        d.set(ValueLayout.JAVA_LONG, 8, raw.busAddress() + 2048 + 8); // not 32-byte aligned
        d.set(ValueLayout.JAVA_LONG, 16, raw.busAddress() + 1024);
        d.set(ValueLayout.JAVA_LONG, 24, raw.busAddress() + 1536);
        d.set(ValueLayout.JAVA_INT, 32, 64);
        assertEquals(64, model.write(d, 64));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (model.softwareError() == null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertNotNull(model.softwareError());
        assertTrue(model.softwareError().contains("0x1b"), model.softwareError());
        assertArrayEquals(new byte[32], raw.segment().asSlice(2048, 32).toArray(ValueLayout.JAVA_BYTE), "no record written");
    }

    @Test
    void invalidOpsNeverReachTheDeviceAsData() {
        open(DsaDeviceModel.Config.defaults().withMaxTransferBytes(4096), Map.of(DsaProvider.OPTION_BATCH, "0"));
        HostRegion src = random(8192);
        HostRegion dst = fixture.allocateHost(8192);
        List<Long> tickets = new ArrayList<>();
        tickets.add(channel.enqueueCopy(SPACE_BUS, src.busAddress(), SPACE_BUS, dst.busAddress(), 4097, 0));
        tickets.add(channel.enqueueCopy(SPACE_BUS, src.busAddress(), 3, dst.busAddress(), 64, 0));
        tickets.add(channel.enqueueCrc32c(SPACE_BUS, src.busAddress(), 0, 0, FLAG_SUBMIT));
        Map<Long, Done> done = await(3);
        assertEquals(new Done(OpStatus.INVALID, DsaChannel.INVALID_LENGTH, 0), done.get(tickets.get(0)));
        assertEquals(new Done(OpStatus.INVALID, DsaChannel.INVALID_SPACE, 0), done.get(tickets.get(1)));
        assertEquals(new Done(OpStatus.INVALID, DsaChannel.INVALID_LENGTH, 0), done.get(tickets.get(2)));
        assertArrayEquals(new byte[8192], bytes(dst, 0, 8192));
    }
}
