package io.dmactl.testbed.lsi;

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
import io.dmactl.provider.lsi.LsiProvider;
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

import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.assertFilled;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SCRIPTS engine as clients meet it: a runtime with the cpu and lsi engines and ivshmem's BAR2
 * as a window. Copies in every direction the chip serves (host, SCRIPTS RAM, ivshmem window, at
 * several sizes and offsets, and across the 24-bit count), each checked byte for byte with its
 * neighbours; the dispatcher choosing between cpu and lsi for the same host-to-host copy by its
 * cost model; and the chip's register BARs out of every client's reach.
 */
@Tag("testbed")
class LsiRuntimeTest {
    static final int IVSHMEM_BAR = 2;
    /** Where in ivshmem's 4 MiB the lsi moves land for the host to check (edu uses 1 MiB, nvme 3 MiB). */
    static final long P2P_WINDOW_OFFSET = 0x38_0000 + 0x1f3;
    static final int P2P_BYTES = 70_001;
    static final String P2P_HANDOFF = "lsi-p2p.properties";
    static final String P2P_EXPECTED = "lsi-p2p-expected.bin";

    private static DmaRuntime runtime;
    private static String lsi;
    private static DevicePrivateSpace ram;
    private static DeviceWindow ivshmem;

    @BeforeAll
    static void openRuntime() {
        runtime = DmaRuntime.builder()
            .onlyProviders(LsiProvider.NAME, "cpu")
            .deviceWindow(TestbedEnvironment.ivshmemPci(), IVSHMEM_BAR)
            .build();
        lsi = LsiProvider.NAME + "@" + TestbedEnvironment.lsiPci();
        assertTrue(runtime.engines().stream().anyMatch(e -> e.name().equals(lsi)),
            "no engine " + lsi + "; engines " + runtime.engines() + ", diagnostics " + runtime.diagnostics());
        ram = runtime.privateSpace(lsi, LsiProvider.RAM_SPACE);
        ivshmem = runtime.window(TestbedEnvironment.ivshmemPci(), IVSHMEM_BAR);
    }

    @AfterAll
    static void closeRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private static TransferResult copyOnLsi(DmaLocation source, long sourceOffset, DmaLocation destination,
                                            long destinationOffset, long lengthBytes) throws Exception {
        TransferResult result = runtime.via(lsi).copy(source, sourceOffset, destination, destinationOffset, lengthBytes)
            .get(30, TimeUnit.SECONDS);
        assertEquals(TransferStatus.SUCCESS, result.status(), "copy of " + lengthBytes + " bytes from " + source.name()
            + " +" + sourceOffset + " to " + destination.name() + " +" + destinationOffset + ": " + result);
        assertEquals(lsi, result.engine());
        return result;
    }

    /** Copies {@code data} from {@code from} to {@code to} on lsi and checks the destination and its neighbours. */
    private static void checkedCopy(MemoryView from, long fromOffset, MemoryView to, long toOffset, byte[] data, String what)
        throws Exception {
        to.clear((byte) 0x5a);
        from.write(fromOffset, data);
        copyOnLsi(from.location(), from.base() + fromOffset, to.location(), to.base() + toOffset, data.length);
        if (from.location() == to.location()) {
            to.assertHolds(toOffset, data, null, what); // the source range is in the same memory
        } else {
            to.assertHolds(toOffset, data, (byte) 0x5a, what);
        }
    }

    /**
     * A range of a location from {@code base} on and the CPU's view of that range (null for the
     * SCRIPTS RAM, which the test reads and writes through the chip and a host staging buffer).
     */
    private record MemoryView(DmaLocation location, long base, java.lang.foreign.MemorySegment cpu, DmaBuffer staging) {
        void write(long offset, byte[] data) throws Exception {
            if (cpu != null) {
                io.dmactl.testbed.ByteChecks.write(cpu, offset, data);
            } else { // the SCRIPTS RAM: load it through the chip from a host staging buffer
                io.dmactl.testbed.ByteChecks.write(staging.segment(), 0, data);
                copyOnLsi(staging, 0, location, offset, data.length);
            }
        }

        void clear(byte value) throws Exception {
            if (cpu != null) {
                cpu.fill(value);
            } else {
                staging.segment().fill(value);
                copyOnLsi(staging, 0, location, 0, ((DevicePrivateSpace) location).lengthBytes());
            }
        }

        /** @param around what the bytes around the range hold, or null not to check them */
        void assertHolds(long offset, byte[] data, Byte around, String what) throws Exception {
            java.lang.foreign.MemorySegment view = cpu;
            if (view == null) {
                long length = ((DevicePrivateSpace) location).lengthBytes();
                staging.segment().fill((byte) 0);
                copyOnLsi(location, 0, staging, 0, length);
                view = staging.segment().asSlice(0, length);
            }
            assertBytes(data, view, offset, what);
            if (around == null) {
                return;
            }
            assertFilled(view, 0, offset, around, what + ": before the range");
            assertFilled(view, offset + data.length, view.byteSize() - offset - data.length, around, what + ": after the range");
        }
    }

    @Test
    void lsiIsOpenedFromItsPciIdWithItsCapabilitiesAsData() {
        EngineInfo info = runtime.engines().stream().filter(e -> e.name().equals(lsi)).findFirst().orElseThrow();
        assertEquals(LsiProvider.NAME, info.provider());
        EngineCapabilities caps = info.capabilities();
        assertEquals(32, caps.dmaMaskBits());
        assertEquals((1 << 24) - 1, caps.maxTransferBytes());
        for (Direction d : Direction.values()) {
            assertTrue(caps.supports(d), "direction " + d);
        }
        assertEquals(8192, ram.lengthBytes());
        assertEquals(lsi, ram.ownerEngine());
    }

    /** Host to host at several sizes and offsets; both buffers mapped below 4 GiB for the 32-bit chip. */
    @Test
    void hostToHostByteForByte() throws Exception {
        int[][] cases = {{0, 0, 1}, {3, 4099, 4093}, {4096, 1, 65_537}, {17, 12_345, 1 << 20}};
        try (DmaBuffer source = runtime.allocate((2 << 20)); DmaBuffer destination = runtime.allocate(2 << 20)) {
            MemoryView from = new MemoryView(source, 0, source.segment(), null);
            MemoryView to = new MemoryView(destination, 0, destination.segment(), null);
            for (int[] c : cases) {
                checkedCopy(from, c[0], to, c[1], pattern(c[2], c[2]), "host " + c[0] + " -> host " + c[1] + ", " + c[2] + " bytes");
            }
            for (DmaBuffer buffer : new DmaBuffer[] {source, destination}) {
                long iova = RuntimeInternals.iovaOf(runtime, buffer, lsi).orElseThrow();
                assertTrue(iova > 0 && iova + buffer.lengthBytes() - 1 <= 0xFFFF_FFFFL,
                    buffer.name() + " mapped at IOVA 0x" + Long.toHexString(iova) + ", beyond the chip's 32 bits");
            }
        }
    }

    /** 16 MiB + 4099 bytes: more than one Memory Move's 24-bit count, so the core splits it; every byte arrives. */
    @Test
    void aCopyAcrossTheTwentyFourBitCountIsSplitAndComplete() throws Exception {
        int length = (16 << 20) + 4099;
        try (DmaBuffer source = runtime.allocate(length + 8192); DmaBuffer destination = runtime.allocate(length + 8192)) {
            byte[] data = pattern(length, 24);
            write(source.segment(), 5, data);
            destination.segment().fill((byte) 0x5a);
            TransferResult result = copyOnLsi(source, 5, destination, 4096 + 3, length);
            assertEquals(length, result.lengthBytes());
            assertBytes(data, destination.segment(), 4096 + 3, "the split copy");
            assertFilled(destination.segment(), 0, 4096 + 3, (byte) 0x5a, "before the split copy");
            assertFilled(destination.segment(), 4096 + 3 + length, 8192 - 4096 - 3, (byte) 0x5a, "after the split copy");
        }
    }

    /** The SCRIPTS RAM from and to host memory, within itself, and from and to the ivshmem window. */
    @Test
    void scriptsRamInEveryDirection() throws Exception {
        try (DmaBuffer host = runtime.allocate(16384); DmaBuffer staging = runtime.allocate(8192)) {
            MemoryView hostView = new MemoryView(host, 0, host.segment(), null);
            MemoryView ramView = new MemoryView(ram, 0, null, staging);
            MemoryView window = new MemoryView(ivshmem, 0x20_0000, ivshmem.segment().asSlice(0x20_0000, 16384), null);
            checkedCopy(hostView, 0, ramView, 0, pattern(8192, 1), "host -> whole RAM");
            checkedCopy(hostView, 4097, ramView, 5, pattern(3001, 2), "host -> RAM +5");
            checkedCopy(ramView, 8191, hostView, 9000, pattern(1, 3), "RAM last byte -> host");
            checkedCopy(ramView, 100, hostView, 1, pattern(4000, 4), "RAM +100 -> host +1");
            checkedCopy(ramView, 0, ramView, 4096, pattern(4096, 5), "RAM low half -> high half");
            // Peer to peer through the IOMMU: the SCRIPTS RAM and ivshmem's BAR2.
            checkedCopy(ramView, 33, window, 777,
                pattern(5000, 6), "RAM -> ivshmem");
            checkedCopy(window, 1, ramView, 2, pattern(8190, 7), "ivshmem -> RAM");
        }
    }

    /**
     * Host memory to ivshmem's BAR2 and back (peer to peer). The host later finds the first copy's
     * bytes in the backing file ({@link LsiPeerToPeerAfterGuestTest}).
     */
    @Test
    void hostToIvshmemAndBack() throws Exception {
        byte[] data = pattern(P2P_BYTES, 9);
        try (DmaBuffer host = runtime.allocate(2 * P2P_BYTES)) {
            write(host.segment(), 11, data);
            ivshmem.segment().asSlice(P2P_WINDOW_OFFSET - 64, P2P_BYTES + 128).fill((byte) 0);
            copyOnLsi(host, 11, ivshmem, P2P_WINDOW_OFFSET, P2P_BYTES);
            assertBytes(data, ivshmem.segment(), P2P_WINDOW_OFFSET, "ivshmem after host -> BAR2");
            assertFilled(ivshmem.segment(), P2P_WINDOW_OFFSET - 64, 64, (byte) 0, "before the window range");
            assertFilled(ivshmem.segment(), P2P_WINDOW_OFFSET + P2P_BYTES, 64, (byte) 0, "after the window range");

            host.segment().fill((byte) 0);
            copyOnLsi(ivshmem, P2P_WINDOW_OFFSET, host, P2P_BYTES, P2P_BYTES);
            assertBytes(data, host.segment(), P2P_BYTES, "host after BAR2 -> host");
            writeHandoff(RuntimeInternals.iovaOf(runtime, ivshmem, lsi).orElse(-1));
        }
    }

    private static void writeHandoff(long windowIova) throws IOException {
        Path dir = TestbedEnvironment.handoffDirectory();
        Files.createDirectories(dir);
        Files.write(dir.resolve(P2P_EXPECTED), pattern(P2P_BYTES, 9));
        Properties notes = new Properties();
        notes.setProperty("offset", Long.toString(P2P_WINDOW_OFFSET));
        notes.setProperty("length", Integer.toString(P2P_BYTES));
        notes.setProperty("windowIova", "0x" + Long.toHexString(windowIova));
        try (Writer out = Files.newBufferedWriter(dir.resolve(P2P_HANDOFF))) {
            notes.store(out, "lsi Memory Move host -> ivshmem BAR2 (LsiRuntimeTest)");
        }
    }

    /**
     * The same host-to-host copy, two engines able to serve it: below the cpu threshold the
     * dispatcher picks cpu, at or above it lsi, and explainCopy says which rule decided.
     */
    @Test
    void theDispatcherPicksCpuForSmallCopiesAndTheScriptsEngineForLargeOnes() throws Exception {
        try (DmaBuffer source = runtime.allocate(1 << 20); DmaBuffer destination = runtime.allocate(1 << 20)) {
            long small = 64;
            long large = 1 << 20;
            String smallWhy = runtime.explainCopy(source, 0, destination, 0, small);
            String largeWhy = runtime.explainCopy(source, 0, destination, 0, large);
            System.out.println(smallWhy);
            System.out.println(largeWhy);
            assertTrue(smallWhy.contains("- cpu: can serve") && smallWhy.contains("- " + lsi + ": can serve"), smallWhy);
            assertTrue(smallWhy.contains("chosen: cpu (cost model: 64 bytes < cpu threshold"), smallWhy);
            assertTrue(largeWhy.contains("chosen: " + lsi + " (cost model: 1048576 bytes >= cpu threshold"), largeWhy);
            assertTrue(largeWhy.contains("hardware"), largeWhy);

            byte[] data = pattern((int) large, 33);
            write(source.segment(), 0, data);
            TransferResult bySmall = runtime.copy(source, 0, destination, 0, small).get(30, TimeUnit.SECONDS);
            TransferResult byLarge = runtime.copy(source, 0, destination, 0, large).get(30, TimeUnit.SECONDS);
            assertEquals("cpu", bySmall.engine());
            assertEquals(lsi, byLarge.engine());
            assertBytes(data, destination.segment(), 0, "the large copy");
        }
    }

    /**
     * The chip's register BARs (BAR0 I/O, BAR1 memory) are never a location: a window on them is
     * refused while building the runtime, before any device is opened or register written (a move
     * into them would re-enter QEMU 7.2's SCRIPTS engine, upstream issue 1563). The engine declares
     * only the SCRIPTS RAM, as a private space.
     */
    @Test
    void theChipsRegisterBarsAreRefusedAsLocations() {
        for (int bar : new int[] {0, 1, 2}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> DmaRuntime.builder()
                .onlyProviders(LsiProvider.NAME).deviceWindow(TestbedEnvironment.lsiPci(), bar).build());
            assertTrue(refused.getMessage().contains("driven by provider 'lsi'"), refused.getMessage());
        }
        EngineInfo info = runtime.engines().stream().filter(e -> e.name().equals(lsi)).findFirst().orElseThrow();
        assertEquals(1, info.privateSpaces().size(), "only the SCRIPTS RAM: " + info.privateSpaces());
        assertFalse(runtime.diagnostics().stream().anyMatch(d -> d.contains(TestbedEnvironment.lsiPci() + " BAR")),
            runtime.diagnostics().toString());
    }
}
