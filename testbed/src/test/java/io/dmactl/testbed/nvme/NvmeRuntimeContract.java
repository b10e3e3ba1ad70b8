package io.dmactl.testbed.nvme;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.provider.nvme.NvmeProvider;
import io.dmactl.testbed.ByteChecks;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dmactl.testbed.nvme.NvmeTestbed.BLOCK_BYTES;
import static io.dmactl.testbed.nvme.NvmeTestbed.WAIT_SECONDS;
import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.assertFilled;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nvme engine as clients meet it, run once per SQ placement (host memory, CMB): a runtime that
 * finds the controller by its class code, the namespace as a private space, copies that name
 * locations only. Every case checks the bytes that came back and the bytes around them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NvmeRuntimeContract {
    static final String HANDOFF_PREFIX = "nvme-";
    private DmaRuntime runtime;
    private DevicePrivateSpace namespace;

    /** "host" or "cmb": the nvme.sq option. */
    abstract String submissionQueue();

    /** "poll" or "msix": the nvme.completion option. */
    String completion() {
        return "poll";
    }

    /** Names this configuration in handoff files: "host", "cmb", "host-msix". */
    String label() {
        return completion().equals("poll") ? submissionQueue() : submissionQueue() + "-" + completion();
    }

    /** Where in the namespace this configuration's handoff pattern goes (distinct per configuration). */
    abstract long handoffOffset();

    @BeforeAll
    void openRuntime() {
        runtime = DmaRuntime.builder()
            .onlyProviders(NvmeProvider.NAME, "cpu")
            .option(NvmeProvider.OPTION_SQ, submissionQueue())
            .option(NvmeProvider.OPTION_COMPLETION, completion())
            .build();
        assertTrue(runtime.engines().stream().anyMatch(e -> e.name().equals(NvmeTestbed.engineName())),
            "no engine " + NvmeTestbed.engineName() + "; engines " + runtime.engines() + ", diagnostics " + runtime.diagnostics());
        namespace = runtime.privateSpace(NvmeTestbed.engineName(), NvmeProvider.namespaceSpace(1));
    }

    @AfterAll
    void closeRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    DmaRuntime runtime() {
        return runtime;
    }

    DevicePrivateSpace namespace() {
        return namespace;
    }

    TransferResult copy(DmaLocation source, long sourceOffset, DmaLocation destination, long destinationOffset,
                                long lengthBytes) throws Exception {
        TransferResult result = runtime.copy(source, sourceOffset, destination, destinationOffset, lengthBytes)
            .get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(TransferStatus.SUCCESS, result.status(), "copy of " + lengthBytes + " bytes from " + source.name()
            + " +" + sourceOffset + " to " + destination.name() + " +" + destinationOffset + ": " + result);
        assertEquals(NvmeTestbed.engineName(), result.engine(), "the dispatcher's choice");
        return result;
    }

    @Test
    void theControllerIsOpenedWithItsNamespaceAndCopyLimitsAsData() {
        EngineInfo info = runtime.engines().stream().filter(e -> e.name().equals(NvmeTestbed.engineName()))
            .findFirst().orElseThrow();
        assertEquals(NvmeProvider.NAME, info.provider());
        EngineCapabilities caps = info.capabilities();
        assertEquals(2, caps.channelCount());
        assertEquals(completion().equals("msix"), caps.interrupts(), "MSI-X completion only when asked for");
        assertTrue(caps.supports(Direction.MEM_TO_DEV) && caps.supports(Direction.DEV_TO_MEM));
        assertTrue(caps.supports(Direction.DEV_TO_DEV), "namespace declared with mssrl/mcl/msrc offers Copy");
        // mcl=1024 blocks of 512 bytes and (msrc+1)*mssrl = 8*128 blocks: 512 KiB, also QEMU's default MDTS.
        assertEquals(512 * 1024, caps.maxTransferBytes());
        assertEquals(TestbedEnvironment.nvmeNamespaceBytes(), namespace.lengthBytes(), "NSZE * LBA size = the backing file");
        assertEquals(BLOCK_BYTES, namespace.granularityBytes());
    }

    /** Host memory to the namespace and back: one block, two pages (PRP2), PRP lists, and chunked transfers. */
    @Test
    void hostToNamespaceAndBackByteForByte() throws Exception {
        long[][] cases = { // host source offset, namespace offset, length, host destination offset
            {0, 0, BLOCK_BYTES, 0},
            {4, 4096, 4096, 8},                  // crosses one page boundary on both host sides: PRP2 is a page
            {4096, 1 << 20, 8192, 0},            // two whole pages
            {516, 3 << 20, 65536 + 512, 1024},   // a PRP list
            {0, 5 << 20, (1 << 20) + 4096, 4},   // longer than one command: the core splits it
        };
        try (DmaBuffer source = runtime.allocate(2L << 20); DmaBuffer destination = runtime.allocate(2L << 20)) {
            for (int c = 0; c < cases.length; c++) {
                long hostOffset = cases[c][0];
                long nsOffset = cases[c][1];
                int length = (int) cases[c][2];
                long backOffset = cases[c][3];
                byte[] data = pattern(length, 300 + c);
                source.segment().fill((byte) 0x11);
                destination.segment().fill((byte) 0);
                write(source.segment(), hostOffset, data);

                copy(source, hostOffset, namespace, nsOffset, length);
                copy(namespace, nsOffset, destination, backOffset, length);

                String what = "case " + c + " (" + length + " bytes at namespace offset " + nsOffset + ")";
                assertBytes(data, destination.segment(), backOffset, what + " after the round trip");
                assertFilled(destination.segment(), 0, backOffset, (byte) 0, what + ": before the destination range");
                assertFilled(destination.segment(), backOffset + length, destination.lengthBytes() - backOffset - length,
                    (byte) 0, what + ": after the destination range");
            }
            // Blocks around a written range are untouched: read the block before and after case 3.
            destination.segment().fill((byte) 0x77);
            copy(namespace, (3 << 20) - BLOCK_BYTES, destination, 0, BLOCK_BYTES);
            copy(namespace, (3 << 20) + 65536 + 512, destination, BLOCK_BYTES, BLOCK_BYTES);
            assertFilled(destination.segment(), 0, 2L * BLOCK_BYTES, (byte) 0, "blocks next to a written range");
        }
    }

    /** Copy between LBA ranges: more blocks than one source range holds (mssrl 128), and longer than one command. */
    @Test
    void copyBetweenNamespaceRangesByteForByte() throws Exception {
        int[][] cases = { // source offset, destination offset, length
            {8 << 20, (9 << 20) + 4096, 96 * 1024},        // 192 blocks: two source ranges
            {10 << 20, 12 << 20, 700 * 1024},              // beyond one Copy (512 KiB): two commands
        };
        try (DmaBuffer host = runtime.allocate(1L << 20); DmaBuffer back = runtime.allocate(1L << 20)) {
            for (int c = 0; c < cases.length; c++) {
                int length = cases[c][2];
                byte[] data = pattern(length, 400 + c);
                write(host.segment(), 0, data);
                copy(host, 0, namespace, cases[c][0], length);
                copy(namespace, cases[c][0], namespace, cases[c][1], length);
                back.segment().fill((byte) 0);
                copy(namespace, cases[c][1], back, 0, length);
                assertBytes(data, back.segment(), 0, "case " + c + ": namespace copy of " + length + " bytes");
            }
        }
    }

    /** A full queue's worth of writes in flight at once, completing in any order, then read back. */
    @Test
    void manyTransfersInFlightAtOnce() throws Exception {
        int count = 200;
        int length = 4096;
        long base = 16L << 20;
        try (DmaBuffer source = runtime.allocate((long) count * length); DmaBuffer back = runtime.allocate((long) count * length)) {
            for (int i = 0; i < count; i++) {
                write(source.segment(), (long) i * length, pattern(length, 1000 + i));
            }
            List<CompletableFuture<TransferResult>> writes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                // Reverse order on the namespace, so neighbouring host pages land far apart.
                writes.add(runtime.copy(source, (long) i * length, namespace, base + (long) (count - 1 - i) * length, length));
            }
            for (CompletableFuture<TransferResult> f : writes) {
                assertEquals(TransferStatus.SUCCESS, f.get(WAIT_SECONDS, TimeUnit.SECONDS).status());
            }
            copy(namespace, base, back, 0, (long) count * length);
            for (int i = 0; i < count; i++) {
                assertBytes(pattern(length, 1000 + i), back.segment(), (long) (count - 1 - i) * length, "write " + i);
            }
        }
    }

    /** A controller reset (CC.EN = 0, queues rebuilt) leaves the engine usable and the namespace's data in place. */
    @Test
    void theControllerResetsAndWorksAgain() throws Exception {
        int length = 8192 + 512;
        long offset = 20L << 20;
        byte[] data = pattern(length, 77);
        try (DmaBuffer host = runtime.allocate(length); DmaBuffer back = runtime.allocate(length)) {
            write(host.segment(), 0, data);
            copy(host, 0, namespace, offset, length);
            assertTrue(runtime.resetEngine(NvmeTestbed.engineName()), "reset refused");
            copy(namespace, offset, back, 0, length);
            assertBytes(data, back.segment(), 0, "read after the controller reset");
            byte[] second = pattern(length, 78);
            write(host.segment(), 0, second);
            copy(host, 0, namespace, offset, length);
            copy(namespace, offset, back, 0, length);
            assertBytes(second, back.segment(), 0, "write and read after the controller reset");
        }
    }

    /** Writes a pattern the host finds in the namespace's backing file after the guest exits. */
    @Test
    void leavesAPatternForTheHostToFindInTheBackingFile() throws Exception {
        int length = 20 * 1024 + 512;
        byte[] data = pattern(length, label().hashCode());
        try (DmaBuffer host = runtime.allocate(length)) {
            write(host.segment(), 0, data);
            copy(host, 0, namespace, handoffOffset(), length);
        }
        handOff(data);
    }

    private void handOff(byte[] expected) throws IOException {
        Path directory = TestbedEnvironment.handoffDirectory();
        Files.createDirectories(directory);
        Files.write(directory.resolve(HANDOFF_PREFIX + label() + "-expected.bin"), expected);
        Properties notes = new Properties();
        notes.setProperty("offset", Long.toString(handoffOffset()));
        notes.setProperty("length", Integer.toString(expected.length));
        try (Writer out = Files.newBufferedWriter(directory.resolve(HANDOFF_PREFIX + label() + ".properties"))) {
            notes.store(out, "written in the guest by " + getClass().getName());
        }
    }
}
