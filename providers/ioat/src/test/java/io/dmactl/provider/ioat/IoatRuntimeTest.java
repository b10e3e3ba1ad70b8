package io.dmactl.provider.ioat;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.sim.FakeDeviceSource;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.provider.ioat.model.IoatDeviceModel;
import io.dmactl.provider.ioat.model.IoatModelFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider inside a {@code DmaRuntime}: claimed by its PCI id from a device source, copies
 * longer than XFERCAP split by the core, fills, and a device window (another device's BAR, peer to
 * peer through the IOMMU) as source and destination; the model stands in for the function.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoatRuntimeTest {

    @Test
    void runtimeClaimsTheFunctionSplitsLongCopiesAndReachesWindows() throws Exception {
        FakeIommuDomain iommu = new FakeIommuDomain("container");
        // Ivy Bridge-EP CBDMA function 0 (the E5/E7 v2 datasheet's device), class 0x0880 "system peripheral".
        FakeDeviceSource source = new FakeDeviceSource(iommu, FakeDeviceSource.function("0000:00:04.0", 0x8086, 0x0e20, 0x088000, 9));
        AtomicReference<IoatDeviceModel> model = new AtomicReference<>();
        IoatDeviceModel.Config config = IoatDeviceModel.Config.defaults().withChannels(2).withXfercapLog(12);
        int length = 64 * 1024 + 3;
        byte[] data = new byte[length];
        new Random(14).nextBytes(data);
        try (Arena bar = Arena.ofShared()) {
            MemorySegment window = bar.allocate(64 * 1024, 4096);
            try (DmaRuntime dma = RuntimeInternals.deviceSource(RuntimeInternals.pageSource(DmaRuntime.builder().discoverProviders(false), new ArenaPageSource(4096))
                     .provider(new IoatProvider(IoatModelFixture.modelFactory(config, model))), source).build();
                 DmaBuffer src = dma.allocate(length);
                 DmaBuffer dst = dma.allocate(length)) {
                List<EngineInfo> engines = dma.engines();
                assertEquals(List.of("ioat@0000:00:04.0"), engines.stream().map(EngineInfo::name).toList());
                assertEquals(4096, engines.get(0).capabilities().maxTransferBytes());
                MemorySegment.copy(data, 0, src.segment(), ValueLayout.JAVA_BYTE, 0, length);

                long before = model.get().descriptorsRun(0) + model.get().descriptorsRun(1);
                TransferResult r = dma.via("ioat").copy(src, 0, dst, 0, length).get(30, TimeUnit.SECONDS);
                assertEquals(TransferStatus.SUCCESS, r.status(), r.toString());
                assertArrayEquals(data, dst.segment().toArray(ValueLayout.JAVA_BYTE));
                long ran = model.get().descriptorsRun(0) + model.get().descriptorsRun(1) - before;
                assertTrue(ran >= 17, "a " + length + "-byte copy over a 4 KiB XFERCAP took " + ran + " descriptors");

                TransferResult f = dma.via("ioat").fill(dst, 5, 10_000, 0x0102030405060708L).get(30, TimeUnit.SECONDS);
                assertEquals(TransferStatus.SUCCESS, f.status(), f.toString());
                for (int i = 0; i < 10_000; i++) {
                    assertEquals((byte) (8 - (i & 7)), dst.segment().get(ValueLayout.JAVA_BYTE, 5 + i), "fill byte " + i);
                }
                assertEquals(data[4], dst.segment().get(ValueLayout.JAVA_BYTE, 4), "byte before the fill changed");
                assertEquals(data[10_005], dst.segment().get(ValueLayout.JAVA_BYTE, 10_005), "byte after the fill changed");

                DeviceWindow w = dma.attachWindow("peer BAR", window);
                assertEquals(TransferStatus.SUCCESS, dma.via("ioat").copy(src, 0, w, 0, 64 * 1024).get(30, TimeUnit.SECONDS).status());
                byte[] expected = java.util.Arrays.copyOf(data, 64 * 1024);
                assertArrayEquals(expected, window.toArray(ValueLayout.JAVA_BYTE), "host to window");
                dst.segment().fill((byte) 0);
                assertEquals(TransferStatus.SUCCESS, dma.via("ioat").copy(w, 0, dst, 0, 64 * 1024).get(30, TimeUnit.SECONDS).status());
                assertArrayEquals(expected, dst.segment().asSlice(0, 64 * 1024).toArray(ValueLayout.JAVA_BYTE), "window to host");
            } finally {
                if (model.get() != null) {
                    assertFalse(model.get().busMaster(), "bus mastering left on after the runtime closed");
                    assertEquals(List.of(), model.get().violations());
                    model.get().shutdown();
                }
            }
        }
        assertEquals(0, iommu.mappingCount(), "mappings left after close");
    }
}
