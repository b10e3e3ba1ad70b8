package io.dmactl.testbed.lsi;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.provider.lsi.LsiProvider;
import io.dmactl.provider.nvme.NvmeProvider;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 32-bit engine (lsi) and a 64-bit one (nvme) in one runtime, one IOMMU domain, for a long
 * random run: buffers of random sizes come and go, host-to-host copies go to lsi, round trips
 * through the namespace to nvme. Every transfer must succeed (the 32-bit engine is never refused
 * for lack of IOVA space while there is space below 4 GiB), every byte must arrive, and the
 * allocator must keep nvme's mappings out of the space below 4 GiB that only lsi can use.
 */
@Tag("testbed")
class LsiWithNvmeRandomRunTest {
    private static final long FOUR_GIB = 1L << 32;
    private static final int OPS = 120;
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * The namespace blocks this run may write: 56 MiB up to its end. Other tests leave patterns at
     * 40, 44 and 48 MiB that the host checks after the guest.
     */
    private static final long NAMESPACE_FROM = 56L << 20;

    @Test
    void thirtyTwoAndSixtyFourBitEnginesShareOneDomainThroughALongRandomRun() throws Exception {
        try (DmaRuntime runtime = DmaRuntime.builder()
            .onlyProviders(LsiProvider.NAME, NvmeProvider.NAME)
            .poolLimitBytes(512L << 20)
            .build()) {
            String lsi = LsiProvider.NAME + "@" + TestbedEnvironment.lsiPci();
            String nvme = NvmeProvider.NAME + "@" + TestbedEnvironment.nvmePci();
            assertTrue(runtime.engines().stream().anyMatch(e -> e.name().equals(lsi))
                && runtime.engines().stream().anyMatch(e -> e.name().equals(nvme)),
                "engines " + runtime.engines() + ", diagnostics " + runtime.diagnostics());
            DevicePrivateSpace namespace = runtime.privateSpace(nvme, NvmeProvider.namespaceSpace(1));
            Random random = new Random(0x17);
            List<DmaBuffer> live = new ArrayList<>();
            int lsiOps = 0;
            int nvmeOps = 0;
            long start = System.nanoTime();
            try {
                for (int op = 0; op < OPS && System.nanoTime() - start < BUDGET_NANOS; op++) {
                    // Churn: drop a random buffer now and then, so mappings are freed and reused.
                    if (live.size() > 6 || (!live.isEmpty() && random.nextInt(4) == 0)) {
                        live.remove(random.nextInt(live.size())).close();
                    }
                    if (random.nextBoolean()) {
                        int length = 1 + random.nextInt(random.nextBoolean() ? 4096 : 2 << 20);
                        DmaBuffer source = runtime.allocate(length);
                        DmaBuffer destination = runtime.allocate(length);
                        live.add(source);
                        live.add(destination);
                        byte[] data = pattern(length, op);
                        write(source.segment(), 0, data);
                        TransferResult result = runtime.via(lsi).copy(source, 0, destination, 0, length).get(60, TimeUnit.SECONDS);
                        assertEquals(TransferStatus.SUCCESS, result.status(), "op " + op + ": lsi copy of " + length + ": " + result);
                        assertBytes(data, destination.segment(), 0, "op " + op + ": lsi copy of " + length);
                        for (DmaBuffer b : new DmaBuffer[] {source, destination}) {
                            long iova = RuntimeInternals.iovaOf(runtime, b, lsi).orElseThrow();
                            assertTrue(iova > 0 && iova + b.lengthBytes() - 1 < FOUR_GIB,
                                "op " + op + ": a buffer for lsi at IOVA 0x" + Long.toHexString(iova));
                        }
                        lsiOps++;
                    } else {
                        int length = 512 * (1 + random.nextInt(256));
                        long block = NAMESPACE_FROM + 512L * random.nextInt((int) ((namespace.lengthBytes() - NAMESPACE_FROM) / 512) - 256);
                        DmaBuffer source = runtime.allocate(length);
                        DmaBuffer back = runtime.allocate(length);
                        byte[] data = pattern(length, 1000 + op);
                        write(source.segment(), 0, data);
                        TransferResult in = runtime.copy(source, 0, namespace, block, length).get(60, TimeUnit.SECONDS);
                        TransferResult out = runtime.copy(namespace, block, back, 0, length).get(60, TimeUnit.SECONDS);
                        assertEquals(TransferStatus.SUCCESS, in.status(), "op " + op + ": to the namespace: " + in);
                        assertEquals(TransferStatus.SUCCESS, out.status(), "op " + op + ": from the namespace: " + out);
                        assertEquals(nvme, in.engine());
                        assertBytes(data, back.segment(), 0, "op " + op + ": namespace round trip of " + length);
                        for (DmaBuffer b : new DmaBuffer[] {source, back}) {
                            long iova = RuntimeInternals.iovaOf(runtime, b, nvme).orElseThrow();
                            assertTrue(Long.compareUnsigned(iova, FOUR_GIB) >= 0,
                                "op " + op + ": nvme (64-bit) took IOVA 0x" + Long.toHexString(iova) + " below 4 GiB");
                        }
                        source.close();
                        back.close();
                        nvmeOps++;
                    }
                }
            } finally {
                live.forEach(DmaBuffer::close);
            }
            System.out.println("random run: " + lsiOps + " lsi copies, " + nvmeOps + " nvme round trips in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
            assertTrue(lsiOps >= 20 && nvmeOps >= 20, lsiOps + " lsi and " + nvmeOps + " nvme ops: too few for a random run");
        }
    }
}
