package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.DmaAccess;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.FakeIommuDomain.MappedRange;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IOVA space of one domain shared by engines of different DMA masks, and the device's rights
 * in it: wide engines do not take the low space a narrow one needs, a location mapped out of a
 * narrow engine's reach gets a second mapping it can reach, and a transfer's source is
 * device-read-only, its destination device-write-only (issue #10, defect 3 and item 6).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuntimeIovaSpaceTest {
    private static final long MIB = 1L << 20;
    private static final long LIMIT_28_BITS = (1L << 28) - 1;
    /**
     * The 64-bit engine's mappings fill the 39-bit domain downwards from its top; a run with a 1 GiB
     * pool (two mappings per buffer) stays above this.
     */
    private static final long WIDE_SPACE_FLOOR = (1L << 39) - (4L << 30);

    /**
     * The reported case: six 48 MiB buffers used with nvme (64-bit mask), then 4000 bytes from the
     * last of them into edu's buffer (28-bit mask). Allocating from the lowest page, the nvme
     * mappings filled 0..288 MiB, the sixth lay across 2^28, and edu was refused with
     * "no free IOVA range of 50331648 bytes at or below 0xfffffff".
     */
    @Test
    void aNarrowEngineReachesABufferThatAWideEngineMappedFirst() {
        SimProvider nvme = new SimProvider(SimConfig.defaults().withName("nvme").withDmaMaskBits(64), new SimControl());
        SimProvider edu = new SimProvider(SimConfig.defaults().withName("edu").withDmaMaskBits(28).withMemToMem(false),
            new SimControl());
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        try (DmaRuntime dma = builder(iommu, nvme, edu).poolLimitBytes(512 * MIB).build();
             DmaBuffer back = dma.allocate(8192)) {
            DevicePrivateSpace nvmeSpace = dma.privateSpace("nvme", "sram");
            DevicePrivateSpace eduSpace = dma.privateSpace("edu", "sram");
            DmaBuffer[] buffers = new DmaBuffer[6];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = dma.allocate(48 * MIB);
                write(buffers[i], 1000, randomBytes(4000, i));
                assertSuccess(dma.copy(buffers[i], 0, nvmeSpace, 0, 4096).join());
            }

            assertSuccess(dma.copy(buffers[5], 1000, eduSpace, 0, 4000).join());
            assertSuccess(dma.copy(eduSpace, 0, back, 100, 4000).join());
            assertArrayEquals(randomBytes(4000, 5), read(back, 100, 4000), "buffer 5 -> edu -> host, byte for byte");

            List<MappedRange> sixth = iommu.mappingsOf(buffers[5].pages().address());
            assertEquals(2, sixth.size(), "one mapping for nvme, a second one edu reaches: " + sixth);
            assertTrue(sixth.stream().anyMatch(m -> m.iova() > LIMIT_28_BITS), "nvme's mapping stays high: " + sixth);
            assertTrue(sixth.stream().anyMatch(m -> m.lastIova() <= LIMIT_28_BITS), "edu's mapping is in its reach: " + sixth);
            for (int i = 0; i < 5; i++) {
                for (MappedRange m : iommu.mappingsOf(buffers[i].pages().address())) {
                    assertTrue(m.iova() > LIMIT_28_BITS, "buffer " + i + ": a 64-bit engine's mapping took low space: " + m);
                }
            }
            long edusIova = RuntimeInternals.iovaOf(dma, buffers[5], "edu").orElseThrow();
            assertTrue(edusIova + buffers[5].lengthBytes() - 1 <= LIMIT_28_BITS, "0x" + Long.toHexString(edusIova));

            buffers[5].close();
            assertTrue(iommu.mappingsOf(buffers[5].pages().address()).isEmpty(), "closing a buffer unmaps both of its mappings");
            for (int i = 0; i < 5; i++) {
                buffers[i].close();
            }
        }
        assertEquals(0, iommu.mappingCount(), "nothing left mapped after close");
    }

    /**
     * A buffer larger than all of a 28-bit engine's space (320 MiB): the engine still copies from and
     * into it, through per-transfer mappings of only the pages it touches, gone when it is done.
     */
    @Test
    void aBufferLargerThanANarrowEnginesSpaceIsMappedPerTransfer() {
        SimProvider edu = new SimProvider(SimConfig.defaults().withName("edu").withDmaMaskBits(28).withMemToMem(false),
            new SimControl());
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        try (DmaRuntime dma = builder(iommu, edu).poolLimitBytes(512 * MIB).build();
             DmaBuffer big = dma.allocate(320 * MIB)) {
            DevicePrivateSpace eduSpace = dma.privateSpace("edu", "sram");
            long from = 300 * MIB + 123;
            long to = 310 * MIB + 4000;
            byte[] data = randomBytes(4000, 7);
            write(big, from, data);
            assertSuccess(dma.copy(big, from, eduSpace, 0, 4000).join());
            assertSuccess(dma.copy(eduSpace, 0, big, to, 4000).join());
            assertArrayEquals(data, read(big, to, 4000), "320 MiB buffer -> edu -> the same buffer, byte for byte");
            assertEquals(0, iommu.mappingCount(), "the windows went with their transfers");
            assertEquals(2, iommu.mapCalls());
            assertEquals(2, iommu.unmapCalls());
        }
        assertEquals(0, iommu.mappingCount(), "nothing left mapped after close");
    }

    /**
     * A device that writes where it should only read (the sim's wrong-way copy, edu with its
     * direction bit wrong) is stopped by the IOMMU: the op faults, the source keeps its bytes. A
     * location later used the other way gets a second mapping with the other right.
     */
    @Test
    void aSourceIsReadOnlyForTheDeviceAndADestinationWriteOnly() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults(), control);
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        try (DmaRuntime dma = builder(iommu, sim).build();
             DmaBuffer src = dma.allocate(8192);
             DmaBuffer dst = dma.allocate(8192)) {
            byte[] data = randomBytes(8192, 1);
            write(src, 0, data);

            control.writeToSourceNext(1);
            TransferResult stray = dma.copy(src, 0, dst, 0, 8192).join();
            assertArrayEquals(data, read(src, 0, 8192), "the device wrote into the source");
            assertEquals(TransferStatus.TRANSFER_FAULT, stray.status(), stray.toString());
            assertArrayEquals(new byte[8192], read(dst, 0, 8192), "nothing reached the destination");
            assertEquals(Set.of(DmaAccess.DEVICE_READS), accesses(iommu, src));
            assertEquals(Set.of(DmaAccess.DEVICE_WRITES), accesses(iommu, dst));

            assertSuccess(dma.copy(src, 0, dst, 0, 8192).join());
            assertArrayEquals(data, read(dst, 0, 8192), "the device still copies through the same mappings");
            assertEquals(2, iommu.mappingCount(), "reused: one mapping per buffer and right");

            // The other way round: each buffer gets a second mapping with the other right.
            byte[] other = randomBytes(4096, 2);
            write(dst, 4096, other);
            assertSuccess(dma.copy(dst, 4096, src, 0, 4096).join());
            assertArrayEquals(other, read(src, 0, 4096));
            assertEquals(Set.of(DmaAccess.DEVICE_READS, DmaAccess.DEVICE_WRITES), accesses(iommu, src));
            assertEquals(Set.of(DmaAccess.DEVICE_READS, DmaAccess.DEVICE_WRITES), accesses(iommu, dst));

            // dst is a source now: a wrong-way write still finds it read-only.
            control.writeToSourceNext(1);
            assertEquals(TransferStatus.TRANSFER_FAULT, dma.copy(dst, 0, src, 4096, 4096).join().status());
            assertArrayEquals(Arrays.copyOf(data, 4096), read(dst, 0, 4096), "the wrong-way write reached a buffer used as source");
            assertEquals(4, iommu.mappingCount());
        }
        assertEquals(0, iommu.mappingCount(), "nothing left mapped after close");
    }

    /**
     * A 28-bit and a 64-bit engine on one domain, thousands of random copies among buffers of up to
     * 48 MiB that together need more IOVA space than 28 bits hold (two mappings each: read-only and
     * write-only). The narrow engine is never refused: each of its copies needs at most 96 MiB of
     * its 256 MiB, everything else there is idle and can be unmapped, and the wide engine never
     * takes that space. Every copy is checked byte for byte; everything is unmapped at the end.
     */
    @Test
    void aNarrowAndAWideEngineShareOneDomainAndTheNarrowOneIsNeverRefused() {
        SimProvider narrow = new SimProvider(SimConfig.defaults().withName("narrow").withDmaMaskBits(28), new SimControl());
        SimProvider wide = new SimProvider(SimConfig.defaults().withName("wide").withDmaMaskBits(64), new SimControl());
        FakeIommuDomain iommu = new FakeIommuDomain("iommu");
        Random random = new Random(10);
        int narrowCopies = 0;
        try (DmaRuntime dma = builder(iommu, narrow, wide).poolLimitBytes(1024 * MIB).build()) {
            List<DmaBuffer> live = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                live.add(dma.allocate(randomLength(random)));
            }
            for (int op = 0; op < 3000; op++) {
                if (random.nextInt(25) == 0) {
                    live.remove(random.nextInt(live.size())).close();
                    live.add(dma.allocate(randomLength(random)));
                    continue;
                }
                DmaBuffer src = live.get(random.nextInt(live.size()));
                DmaBuffer dst = live.get(random.nextInt(live.size()));
                if (src == dst) {
                    continue;
                }
                int length = 1 + random.nextInt(64 * 1024);
                long srcOffset = (long) (random.nextDouble() * (src.lengthBytes() - length));
                long dstOffset = (long) (random.nextDouble() * (dst.lengthBytes() - length));
                byte[] data = randomBytes(length, op);
                write(src, srcOffset, data);
                String engine = random.nextBoolean() ? "narrow" : "wide";
                narrowCopies += engine.equals("narrow") ? 1 : 0;
                TransferResult result = dma.via(engine).copy(src, srcOffset, dst, dstOffset, length).join();
                assertEquals(TransferStatus.SUCCESS, result.status(), "op " + op + " on " + engine + ": " + result);
                assertArrayEquals(data, read(dst, dstOffset, length), "op " + op + " on " + engine + ": destination bytes");
                if (op % 100 == 0) {
                    for (MappedRange m : iommu.mappings()) {
                        assertTrue(m.lastIova() <= LIMIT_28_BITS || m.iova() >= WIDE_SPACE_FLOOR,
                            "op " + op + ": a mapping in neither engine's place: " + m);
                    }
                }
            }
            for (DmaBuffer buffer : live) {
                buffer.close();
            }
            assertEquals(0, iommu.mappingCount(), "closing every buffer unmapped every mapping");
            assertEquals(iommu.mapCalls(), iommu.unmapCalls());
        }
        assertTrue(narrowCopies > 1000, "narrow copies " + narrowCopies);
        assertEquals(0, iommu.mappingCount(), "nothing left mapped after close");
    }

    private static long randomLength(Random random) {
        return (1 + random.nextInt(48 * 256)) * 4096L; // 4 KiB .. 48 MiB
    }

    private static Set<DmaAccess> accesses(FakeIommuDomain iommu, DmaBuffer buffer) {
        return iommu.mappingsOf(buffer.pages().address()).stream().map(MappedRange::access).collect(Collectors.toSet());
    }

    private static void assertSuccess(TransferResult result) {
        assertEquals(TransferStatus.SUCCESS, result.status(), result.toString());
    }
}
