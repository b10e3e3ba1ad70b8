package io.dmactl.testbed.edu;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.provider.edu.EduProvider;
import io.dmactl.testbed.ByteChecks;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.dmactl.testbed.edu.EduTestbed.DMA_WAIT_SECONDS;
import static io.dmactl.testbed.edu.EduTestbed.EDU_BUFFER_BYTES;
import static io.dmactl.testbed.edu.EduTestbed.EDU_DMA_LIMIT;
import static io.dmactl.testbed.edu.EduTestbed.IVSHMEM_BAR;
import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.assertFilled;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edu engine as clients meet it: a runtime that finds edu by its PCI id, with ivshmem's BAR2
 * as a device window in the same IOMMU domain, and copies that name locations only; the
 * dispatcher routes them to edu (nothing else reaches its buffer). Completion by MSI (default).
 * Every edu DMA costs about 100 ms (QEMU's timer), so each case is a handful of transfers.
 */
@Tag("testbed")
class EduRuntimeTest {
    /** Where in ivshmem's 4 MiB the edu DMA lands; the host checks the backing file there. */
    static final long P2P_WINDOW_OFFSET = 0x10_0000 + 0x3a1;
    static final int P2P_BYTES = 3001;
    static final String P2P_HANDOFF = "edu-p2p.properties";
    static final String P2P_EXPECTED = "edu-p2p-expected.bin";

    private static DmaRuntime runtime;
    private static DevicePrivateSpace edu;
    private static DeviceWindow ivshmem;

    @BeforeAll
    static void openRuntime() {
        runtime = DmaRuntime.builder()
            .onlyProviders(EduProvider.NAME, "cpu")
            .deviceWindow(TestbedEnvironment.ivshmemPci(), IVSHMEM_BAR)
            .build();
        assertTrue(runtime.engines().stream().anyMatch(e -> e.name().equals(EduTestbed.eduEngine())),
            "no engine " + EduTestbed.eduEngine() + "; engines " + runtime.engines() + ", diagnostics " + runtime.diagnostics());
        edu = runtime.privateSpace(EduTestbed.eduEngine(), EduProvider.BUFFER_SPACE);
        ivshmem = runtime.window(TestbedEnvironment.ivshmemPci(), IVSHMEM_BAR);
    }

    @AfterAll
    static void closeRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private static TransferResult copy(DmaLocation source, long sourceOffset, DmaLocation destination,
                                       long destinationOffset, long lengthBytes) throws Exception {
        TransferResult result = runtime.copy(source, sourceOffset, destination, destinationOffset, lengthBytes)
            .get(DMA_WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(TransferStatus.SUCCESS, result.status(), "copy of " + lengthBytes + " bytes from " + source.name()
            + " +" + sourceOffset + " to " + destination.name() + " +" + destinationOffset + ": " + result);
        assertEquals(EduTestbed.eduEngine(), result.engine(), "the dispatcher's choice");
        return result;
    }

    @Test
    void eduIsOpenedFromItsPciIdWithItsCapabilitiesAsData() {
        EngineInfo info = runtime.engines().stream().filter(e -> e.name().equals(EduTestbed.eduEngine()))
            .findFirst().orElseThrow();
        assertEquals(EduProvider.NAME, info.provider());
        assertEquals(TestbedEnvironment.eduPci(), info.device().orElseThrow());
        EngineCapabilities caps = info.capabilities();
        assertEquals(28, caps.dmaMaskBits());
        assertEquals(EDU_BUFFER_BYTES, caps.maxTransferBytes());
        assertEquals(1, caps.channelCount());
        assertTrue(caps.interrupts(), "MSI completion is the default");
        assertTrue(caps.supports(Direction.MEM_TO_DEV) && caps.supports(Direction.DEV_TO_MEM) && caps.supports(Direction.DEV_TO_DEV));
        assertEquals(EDU_BUFFER_BYTES, edu.lengthBytes());
        assertEquals(EduTestbed.eduEngine(), edu.ownerEngine());
    }

    /** Host memory to the device buffer and back, at several sizes and offsets, both sides checked. */
    @Test
    void hostToDeviceBufferAndBackByteForByte() throws Exception {
        int[][] cases = { // host source offset, device offset, length, host destination offset
            {0, 0, EDU_BUFFER_BYTES, 0},
            {123, 7, 1000, 4096 + 5},
            {4096 + 1, EDU_BUFFER_BYTES - 1, 1, 77},
            {64, 2048, 2047, 8191 - 2047},
        };
        try (DmaBuffer source = runtime.allocate(3 * 4096); DmaBuffer destination = runtime.allocate(3 * 4096)) {
            for (int c = 0; c < cases.length; c++) {
                int hostOffset = cases[c][0];
                int deviceOffset = cases[c][1];
                int length = cases[c][2];
                int backOffset = cases[c][3];
                byte[] data = pattern(length, 100 + c);
                source.segment().fill((byte) 0x11);
                destination.segment().fill((byte) 0);
                write(source.segment(), hostOffset, data);

                copy(source, hostOffset, edu, deviceOffset, length);
                copy(edu, deviceOffset, destination, backOffset, length);

                String what = "case " + c + " (" + length + " bytes, device offset " + deviceOffset + ")";
                assertBytes(data, destination.segment(), backOffset, what + " after the round trip");
                assertFilled(destination.segment(), 0, backOffset, (byte) 0, what + ": before the destination range");
                assertFilled(destination.segment(), backOffset + length, destination.lengthBytes() - backOffset - length,
                    (byte) 0, what + ": after the destination range");
                assertBytes(data, source.segment(), hostOffset, what + ": the source is unchanged");
                assertFilled(source.segment(), 0, hostOffset, (byte) 0x11, what + ": the source before its range");
            }
            // The core's allocator honoured edu's 28-bit mask for every host buffer it mapped.
            for (DmaBuffer buffer : new DmaBuffer[] {source, destination}) {
                long iova = RuntimeInternals.iovaOf(runtime, buffer, EduTestbed.eduEngine()).orElseThrow();
                assertTrue(iova > 0 && iova + buffer.lengthBytes() <= EDU_DMA_LIMIT,
                    buffer.name() + " mapped at IOVA 0x" + Long.toHexString(iova) + ", beyond edu's 28-bit reach");
            }
        }
    }

    /**
     * Peer to peer: the device buffer to ivshmem's BAR2 and back, through ivshmem's BAR mapped into
     * the edu engine's IOMMU domain. The host later finds the same bytes in ivshmem's backing file.
     */
    @Test
    void deviceBufferToIvshmemBarAndBack() throws Exception {
        byte[] data = pattern(P2P_BYTES, 7);
        try (DmaBuffer host = runtime.allocate(2 * 4096)) {
            // The case the host checks in the backing file: buffer -> window, after a load from host memory.
            write(host.segment(), 11, data);
            copy(host, 11, edu, 1000, P2P_BYTES);
            bufferToWindow(1000, P2P_WINDOW_OFFSET, data);

            // More sizes and offsets, each direction: window -> buffer -> host, then buffer -> window.
            int[][] cases = { // window offset, device offset, length
                {0x20_0000 + 0x10, 5, 2000},
                {0x30_0000 + 4093, 0, EDU_BUFFER_BYTES},
                {0x3f_ffff, EDU_BUFFER_BYTES - 1, 1},
            };
            for (int c = 0; c < cases.length; c++) {
                long windowOffset = cases[c][0];
                int deviceOffset = cases[c][1];
                int length = cases[c][2];
                byte[] back = pattern(length, 20 + c);
                write(ivshmem.segment(), windowOffset, back);
                copy(ivshmem, windowOffset, edu, deviceOffset, length);
                host.segment().fill((byte) 0);
                copy(edu, deviceOffset, host, 4096, length);
                assertBytes(back, host.segment(), 4096, "case " + c + ": window -> edu buffer -> host");
                assertFilled(host.segment(), 0, 4096, (byte) 0, "case " + c + ": host memory before the range");
            }
            bufferToWindow(EDU_BUFFER_BYTES - 1, 0x10, pattern(1, 22)); // the last case's byte is still in the buffer
        }
        long windowIova = RuntimeInternals.iovaOf(runtime, ivshmem, EduTestbed.eduEngine()).orElseThrow();
        assertTrue(windowIova + ivshmem.lengthBytes() <= EDU_DMA_LIMIT,
            "ivshmem BAR2 mapped at IOVA 0x" + Long.toHexString(windowIova) + ", beyond edu's 28-bit reach");
        handOff(data, windowIova);
    }

    /** edu buffer -> ivshmem window; checks the range and 64 bytes on either side through the CPU's view of the BAR. */
    private static void bufferToWindow(int deviceOffset, long windowOffset, byte[] expected) throws Exception {
        long guardBefore = Math.min(64, windowOffset);
        ivshmem.segment().asSlice(windowOffset - guardBefore, guardBefore + expected.length + 64).fill((byte) 0);
        copy(edu, deviceOffset, ivshmem, windowOffset, expected.length);
        assertBytes(expected, ivshmem.segment(), windowOffset, "ivshmem BAR2 after edu buffer -> window");
        assertFilled(ivshmem.segment(), windowOffset - guardBefore, guardBefore, (byte) 0, "ivshmem before the range");
        assertFilled(ivshmem.segment(), windowOffset + expected.length, 64, (byte) 0, "ivshmem after the range");
    }

    /** Tells the host-side check (EduPeerToPeerAfterGuestTest) what must be in ivshmem's backing file. */
    private static void handOff(byte[] expected, long windowIova) throws IOException {
        Path directory = TestbedEnvironment.handoffDirectory();
        Files.createDirectories(directory);
        Files.write(directory.resolve(P2P_EXPECTED), expected);
        Properties notes = new Properties();
        notes.setProperty("offset", Long.toString(P2P_WINDOW_OFFSET));
        notes.setProperty("length", Integer.toString(expected.length));
        notes.setProperty("windowIova", "0x" + Long.toHexString(windowIova));
        try (Writer out = Files.newBufferedWriter(directory.resolve(P2P_HANDOFF))) {
            notes.store(out, "written in the guest by " + EduRuntimeTest.class.getName());
        }
    }
}
