package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transfers through the runtime to a simulated device: every direction, chunking, device outcomes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeTransferTest {

    @ParameterizedTest(name = "interrupts={0}")
    @ValueSource(booleans = {true, false})
    void copyBetweenHostBuffersMovesEveryByte(boolean interrupts) {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withInterrupts(interrupts), control);
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer src = dma.allocate(20_000);
             DmaBuffer dst = dma.allocate(20_000)) {
            byte[] data = randomBytes(20_000, 1);
            write(src, 0, data);
            TransferResult r = dma.copy(src, 100, dst, 300, 12_345).join();
            assertEquals(TransferStatus.SUCCESS, r.status());
            assertEquals("sim", r.engine());
            assertEquals(12_345, r.lengthBytes());
            byte[] expected = new byte[20_000];
            System.arraycopy(data, 100, expected, 300, 12_345);
            assertArrayEquals(expected, read(dst, 0, 20_000));
        }
    }

    @Test
    void copyOfAWholeLocationMovesAllOfItAndLeavesTheRestOfALongerDestination() {
        SimProvider sim = new SimProvider(SimConfig.defaults(), new SimControl());
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer src = dma.allocate(10_000);
             DmaBuffer dst = dma.allocate(12_000)) {
            byte[] data = randomBytes(10_000, 11);
            byte[] before = randomBytes(12_000, 12);
            write(src, 0, data);
            write(dst, 0, before);
            TransferResult r = dma.copy(src, dst).join();
            assertEquals(TransferStatus.SUCCESS, r.status(), r.toString());
            assertEquals(10_000, r.lengthBytes());
            byte[] expected = before.clone();
            System.arraycopy(data, 0, expected, 0, 10_000);
            assertArrayEquals(expected, read(dst, 0, 12_000));
        }
    }

    @Test
    void copyOfAWholeLocationIntoAShorterOneIsRefusedBeforeAnythingMoves() {
        SimProvider sim = new SimProvider(SimConfig.defaults(), new SimControl());
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer src = dma.allocate(8192);
             DmaBuffer dst = dma.allocate(4096)) {
            write(src, 0, randomBytes(8192, 13));
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> dma.copy(src, dst));
            assertTrue(e.getMessage().contains("cannot copy all 8192 bytes of " + src.describe()), e.getMessage());
            assertTrue(e.getMessage().contains("which holds 4096 bytes"), e.getMessage());
            assertArrayEquals(new byte[4096], read(dst, 0, 4096), "nothing was written");
        }
    }

    @Test
    void hostToPrivateSpaceAndBackPreservesEveryByte() {
        SimProvider sim = new SimProvider(SimConfig.defaults(), new SimControl());
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer src = dma.allocate(8192);
             DmaBuffer back = dma.allocate(8192)) {
            DevicePrivateSpace sram = dma.privateSpace("sim", "sram");
            byte[] data = randomBytes(8192, 2);
            write(src, 0, data);
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, sram, 1000, 8192).join().status());
            assertArrayEquals(data, read(sim.lastEngine().sram(), 1000, 8192), "what the device holds");
            assertEquals(TransferStatus.SUCCESS, dma.copy(sram, 1000, back, 0, 8192).join().status());
            assertArrayEquals(data, read(back, 0, 8192));
        }
    }

    @Test
    void deviceWindowReachesPrivateSpacePeerToPeer() {
        SimProvider sim = new SimProvider(SimConfig.defaults(), new SimControl());
        try (Arena arena = Arena.ofShared();
             DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer back = dma.allocate(4096)) {
            MemorySegment bar = arena.allocate(16384, 4096);
            DeviceWindow window = dma.attachWindow("peer BAR2", bar);
            byte[] data = randomBytes(4096, 3);
            MemorySegment.copy(data, 0, bar, java.lang.foreign.ValueLayout.JAVA_BYTE, 8192, 4096);
            DevicePrivateSpace sram = dma.privateSpace("sim", "sram");
            assertEquals(TransferStatus.SUCCESS, dma.copy(window, 8192, sram, 0, 4096).join().status());
            assertEquals(TransferStatus.SUCCESS, dma.copy(sram, 0, back, 0, 4096).join().status());
            assertArrayEquals(data, read(back, 0, 4096));
            assertTrue(RuntimeInternals.iovaOf(dma, window, "sim").isPresent(), "the window was mapped into the device's domain");
            window.close();
            assertTrue(RuntimeInternals.iovaOf(dma, window, "sim").isEmpty(), "closing the window unmaps it");
        }
    }

    @Test
    void fillRepeatsThePattern() {
        SimProvider sim = new SimProvider(SimConfig.defaults(), new SimControl());
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer dst = dma.allocate(4096)) {
            long pattern = 0x1122334455667788L;
            assertEquals(TransferStatus.SUCCESS, dma.fill(dst, 64, 1000, pattern).join().status());
            byte[] got = read(dst, 0, 4096);
            for (int i = 0; i < 4096; i++) {
                byte expected = i >= 64 && i < 1064 ? (byte) (pattern >>> (8 * ((i - 64) & 7))) : 0;
                assertEquals(expected, got[i], "byte " + i);
            }
        }
    }

    @Test
    void transfersLongerThanTheEngineAllowsAreSplit() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withMaxTransferBytes(64 * 1024), control);
        int length = (1 << 20) + 4096 + 7;
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer src = dma.allocate(length);
             DmaBuffer dst = dma.allocate(length)) {
            byte[] data = randomBytes(length, 4);
            write(src, 0, data);
            TransferResult r = dma.copy(src, 0, dst, 0, length).join();
            assertEquals(TransferStatus.SUCCESS, r.status());
            assertEquals(length, r.lengthBytes());
            assertEquals(17, control.executed(), "1 MiB + 4103 bytes: 16 pieces of 64 KiB and one of 4103");
            assertArrayEquals(data, read(dst, 0, length));
        }
    }

    @Test
    void injectedDeviceErrorCarriesTheDeviceCodeAndTheNextOpSucceeds() {
        SimControl control = new SimControl();
        control.errorCode = 0x1234;
        SimProvider sim = new SimProvider(SimConfig.defaults(), control);
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer dst = dma.allocate(4096)) {
            control.failNext(1);
            TransferResult failed = dma.copy(src, 0, dst, 0, 4096).join();
            assertEquals(TransferStatus.DEVICE_ERROR, failed.status());
            assertEquals(0x1234, failed.deviceCode());
            control.faultNext(1);
            assertEquals(TransferStatus.TRANSFER_FAULT, dma.copy(src, 0, dst, 0, 4096).join().status());
            write(src, 0, randomBytes(4096, 5));
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, dst, 0, 4096).join().status());
            assertArrayEquals(read(src, 0, 4096), read(dst, 0, 4096));
        }
    }

    @Test
    void oneFailedChunkFailsTheWholeTransfer() {
        SimControl control = new SimControl();
        SimProvider sim = new SimProvider(SimConfig.defaults().withMaxTransferBytes(4096).withChannels(1), control);
        try (DmaRuntime dma = builder(new FakeIommuDomain("iommu"), sim).build();
             DmaBuffer src = dma.allocate(64 * 1024);
             DmaBuffer dst = dma.allocate(64 * 1024)) {
            control.failNext(1);
            TransferResult r = dma.copy(src, 0, dst, 0, 64 * 1024).join();
            assertEquals(TransferStatus.DEVICE_ERROR, r.status());
            assertEquals(TransferStatus.SUCCESS, dma.copy(src, 0, dst, 0, 64 * 1024).join().status());
        }
    }
}
