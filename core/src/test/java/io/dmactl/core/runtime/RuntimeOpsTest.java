package io.dmactl.core.runtime;

import io.dmactl.core.BatchResult;
import io.dmactl.core.Completion;
import io.dmactl.core.CompletionHandler;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.conformance.ThreadAllocation;
import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import io.dmactl.core.spi.DmaOpKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static io.dmactl.core.sim.SimRuntimes.builder;
import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #12, operations as data through the runtime (the simulated device runs every op): each
 * form of compare, compare-pattern, CRC-32C and dualcast, result values in TransferResult and in
 * the handler's Completion, misuse refused with the bad value, long result-value ops refused, long
 * dualcasts split, batches, and the handler path allocation-free.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeOpsTest {
    private static final int MAX_TRANSFER_BYTES = 64 * 1024; // SimConfig.defaults()

    private static DmaRuntime runtime(SimControl control) {
        return builder(new FakeIommuDomain("iommu"), new SimProvider(SimConfig.defaults().withChannels(1).withInterrupts(false), control)).build();
    }

    private static long crc32c(byte[] data, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, from, length);
        return crc.getValue();
    }

    @Test
    void compareInEveryFormReportsEqualOrTheFirstDifference() throws Exception {
        try (DmaRuntime dma = runtime(new SimControl());
             DmaBuffer a = dma.allocate(10_000);
             DmaBuffer b = dma.allocate(10_000)) {
            byte[] data = randomBytes(10_000, 3);
            write(a, 0, data);
            write(b, 0, data);
            TransferResult equal = dma.compare(a, 0, b, 0, 10_000).join();
            assertEquals(TransferStatus.SUCCESS, equal.status());
            assertTrue(equal.equal());
            assertEquals(DmaOpKind.COMPARE_EQUAL, equal.firstDifferenceOffset());
            write(b, 7_777, new byte[] {(byte) ~data[7_777]});
            TransferResult differs = dma.tryCompare(a, 100, b, 100, 9_000).join();
            assertFalse(differs.equal());
            assertEquals(7_677, differs.firstDifferenceOffset(), "offset from the start of the compared ranges");
            CompletableFuture<TransferResult> viaCallback = new CompletableFuture<>();
            dma.compare(a, 0, b, 0, 10_000, viaCallback::complete);
            assertEquals(7_777, viaCallback.get(20, TimeUnit.SECONDS).firstDifferenceOffset());
            CompletableFuture<TransferResult> viaTryCallback = new CompletableFuture<>();
            dma.tryCompare(a, 0, b, 0, 7_777, viaTryCallback::complete);
            assertTrue(viaTryCallback.get(20, TimeUnit.SECONDS).equal(), "the ranges agree before the difference");
            long[] seen = {Long.MIN_VALUE, 0};
            CompletionHandler handler = (context, c) -> {
                seen[0] = c.resultValue();
                seen[1] = context;
            };
            dma.compare(a, 0, b, 0, 10_000, handler, 42);
            awaitHandler(dma, seen, 42);
            assertEquals(7_777, seen[0]);
            dma.tryCompare(a, 0, b, 0, 100, handler, 43);
            awaitHandler(dma, seen, 43);
            assertEquals(DmaOpKind.COMPARE_EQUAL, seen[0]);
            assertArrayEquals(data, read(a, 0, 10_000), "a compare wrote its first range");
        }
    }

    @Test
    void comparePatternChecksARangeAgainstTheRepeatedPattern() {
        try (DmaRuntime dma = runtime(new SimControl());
             DmaBuffer r = dma.allocate(4096)) {
            long pattern = 0x1122334455667788L;
            dma.fill(r, 0, 4096, pattern).join();
            assertTrue(dma.comparePattern(r, 0, 4096, pattern).join().equal());
            write(r, 1000, new byte[] {0});
            assertEquals(1000, dma.comparePattern(r, 0, 4096, pattern).join().firstDifferenceOffset());
            assertEquals(996, dma.tryComparePattern(r, 4, 4092, pattern >>> 32 | pattern << 32).join().firstDifferenceOffset(),
                "the pattern starts at the range's first byte");
        }
    }

    @Test
    void crc32cMatchesJavaUtilZipAndChainsItsSeed() {
        try (DmaRuntime dma = runtime(new SimControl());
             DmaBuffer r = dma.allocate(MAX_TRANSFER_BYTES)) {
            byte[] data = randomBytes(MAX_TRANSFER_BYTES, 5);
            write(r, 0, data);
            assertEquals(crc32c(data, 0, MAX_TRANSFER_BYTES), dma.crc32c(r, 0, MAX_TRANSFER_BYTES, 0).join().crc32c());
            assertEquals(crc32c(data, 3, 1001), dma.tryCrc32c(r, 3, 1001, 0).join().crc32c());
            long first = dma.crc32c(r, 0, 5000, 0).join().crc32c();
            assertEquals(crc32c(data, 0, 12_000), dma.crc32c(r, 5000, 7000, first).join().crc32c(), "seed = CRC of what precedes");
            assertEquals(io.dmactl.core.spi.SoftwareOps.crc32c(java.lang.foreign.MemorySegment.ofArray(data), 0, 100, -1),
                dma.crc32c(r, 0, 100, 0xFFFF_FFFFL).join().crc32c(), "the largest seed is accepted");
        }
    }

    @Test
    void misuseIsRefusedWithTheBadValueBeforeAnythingRuns() {
        SimControl control = new SimControl();
        try (DmaRuntime dma = runtime(control);
             DmaBuffer a = dma.allocate(2 * MAX_TRANSFER_BYTES);
             DmaBuffer b = dma.allocate(2 * MAX_TRANSFER_BYTES)) {
            IllegalArgumentException seed = assertThrows(IllegalArgumentException.class, () -> dma.crc32c(a, 0, 64, -1));
            assertTrue(seed.getMessage().contains("seed -1"), seed.getMessage());
            assertThrows(IllegalArgumentException.class, () -> dma.crc32c(a, 0, 64, 1L << 32));
            IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                () -> dma.dualcast(a, 0, b, 0, b, 32, 64));
            assertTrue(overlap.getMessage().contains("first destination range [0, 64) and second destination range [32, 96)"),
                overlap.getMessage());
            assertThrows(IllegalArgumentException.class, () -> dma.dualcast(a, 0, a, 63, b, 0, 64));
            IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> dma.compare(a, 0, b, 1, 2 * MAX_TRANSFER_BYTES));
            assertTrue(outside.getMessage().startsWith("second range [1, 131073) of 131072 bytes does not fit"), outside.getMessage());
            NoEngineAvailableException tooLong = assertThrows(NoEngineAvailableException.class,
                () -> dma.crc32c(a, 0, MAX_TRANSFER_BYTES + 1, 0));
            assertTrue(tooLong.getMessage().contains("a CRC32C is not split"), tooLong.getMessage());
            assertThrows(NoEngineAvailableException.class, () -> dma.compare(a, 0, b, 0, MAX_TRANSFER_BYTES + 1));
            assertEquals(0, control.fetched(), "nothing reached the device");
        }
    }

    @Test
    void aLongDualcastIsSplitAndWritesBothDestinations() {
        int length = 2 * MAX_TRANSFER_BYTES + 1000;
        try (DmaRuntime dma = runtime(new SimControl());
             DmaBuffer src = dma.allocate(length);
             DmaBuffer d1 = dma.allocate(length + 100);
             DmaBuffer d2 = dma.allocate(length)) {
            byte[] data = randomBytes(length, 7);
            write(src, 0, data);
            TransferResult r = dma.dualcast(src, 0, d1, 100, d2, 0, length).join();
            assertEquals(TransferStatus.SUCCESS, r.status());
            assertEquals(0, r.resultValue());
            assertArrayEquals(data, read(d1, 100, length));
            assertArrayEquals(data, read(d2, 0, length));
            assertArrayEquals(new byte[100], read(d1, 0, 100));
            CompletableFuture<TransferResult> viaCallback = new CompletableFuture<>();
            dma.tryDualcast(src, 0, d1, 0, d2, 0, 64, viaCallback::complete);
            assertTrue(viaCallback.join().isSuccess());
        }
    }

    @Test
    void aFailedOpHasNoResultValue() {
        SimControl control = new SimControl();
        try (DmaRuntime dma = runtime(control);
             DmaBuffer a = dma.allocate(64)) {
            control.failNext(1);
            TransferResult r = dma.crc32c(a, 0, 64, 0).join();
            assertEquals(TransferStatus.DEVICE_ERROR, r.status());
            assertEquals(0, r.resultValue());
            IllegalStateException e = assertThrows(IllegalStateException.class, r::crc32c);
            assertTrue(e.getMessage().contains("ended DEVICE_ERROR"), e.getMessage());
            assertThrows(IllegalStateException.class, r::equal);
        }
    }

    @Test
    void aBatchCarriesEachOpsResultValue() {
        try (DmaRuntime dma = runtime(new SimControl());
             DmaBuffer a = dma.allocate(4096);
             DmaBuffer b = dma.allocate(4096);
             DmaBuffer c = dma.allocate(4096)) {
            byte[] data = randomBytes(4096, 11);
            write(a, 0, data);
            BatchResult results = dma.batch()
                .dualcast(a, 0, b, 0, c, 0, 4096)
                .fence()
                .compare(b, 0, c, 0, 4096)
                .crc32c(c, 0, 4096, 0)
                .comparePattern(a, 0, 8, 0)
                .submit();
            var all = results.all().join();
            assertTrue(all.get(1).equal(), "both dualcast destinations are equal after the fence");
            assertEquals(crc32c(data, 0, 4096), all.get(2).crc32c());
            assertEquals(TransferStatus.SUCCESS, all.get(3).status());
            assertTrue(all.get(3).firstDifferenceOffset() >= 0 || data[0] == 0, "random bytes are not all zero");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 2, 3, 4})
    void theHandlerPathOfEveryNewOpAllocatesNothingOnTheClientThread(int only) {
        try (DmaRuntime dma = runtime(new SimControl());
             DmaBuffer a = dma.allocate(256);
             DmaBuffer b = dma.allocate(256);
             DmaBuffer c = dma.allocate(256)) {
            write(a, 0, randomBytes(256, 13));
            write(b, 0, read(a, 0, 256));
            long expectedCrc = crc32c(read(a, 0, 256), 0, 256);
            long[] done = new long[1];
            String[] problem = new String[1];
            CompletionHandler handler = (context, completion) -> {
                context = only;
                long expected = context == 0 ? DmaOpKind.COMPARE_EQUAL : context == 1 ? expectedCrc : 0;
                if ((!completion.isSuccess() || (context < 2 && completion.resultValue() != expected)) && problem[0] == null) {
                    problem[0] = "op " + context + ": " + completion.status() + " result " + completion.resultValue();
                }
                done[0]++;
            };
            long allocated = ThreadAllocation.bytesAllocatedBy(() -> {
                long target = done[0] + 1_500;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                long submitted = done[0];
                while (done[0] < target && System.nanoTime() < deadline) {
                    if (submitted < target && submitted - done[0] < 30) {
                        switch (only) {
                            case 0 -> dma.compare(a, 0, b, 0, 256, handler, 0);
                            case 1 -> dma.crc32c(a, 0, 256, 0, handler, 1);
                            case 2 -> dma.comparePattern(a, 0, 256, 0, handler, 2);
                            case 3 -> dma.dualcast(a, 0, b, 0, c, 0, 256, handler, 3);
                            default -> dma.copy(a, 0, c, 0, 256, handler, 4); // the reference: copy's handler path is 0 B/op
                        }
                        submitted++;
                    }
                    dma.poll();
                }
                if (done[0] < target) {
                    throw new AssertionError("only " + done[0] + " of " + target + " completed");
                }
            });
            assertEquals(null, problem[0]);
            assertEquals(0, allocated, "bytes allocated on the client thread by 1,500 handler-path compare/CRC/compare-pattern/dualcast ops");
        }
    }

    private static void awaitHandler(DmaRuntime dma, long[] seen, long context) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (seen[1] != context) {
            dma.poll();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("handler for context " + context + " never ran");
            }
            Thread.onSpinWait();
        }
    }

    @SuppressWarnings("unused")
    private static String describe(Completion c) {
        return c.toString();
    }
}
