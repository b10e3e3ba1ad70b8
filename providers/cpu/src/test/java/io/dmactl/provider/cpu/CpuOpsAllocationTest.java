package io.dmactl.provider.cpu;

import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.conformance.ProviderFixture;
import io.dmactl.core.conformance.ThreadAllocation;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every op on a real cpu-engine channel allocates nothing: the owner's enqueue/submit/poll (the
 * {@link ThreadAllocation} guard) and the executor thread that runs them (its allocation counter
 * over the measured rounds). Each round also checks the result values, so the loop cannot pass by
 * doing nothing.
 */
class CpuOpsAllocationTest {
    private static final int LENGTH_BYTES = 256;
    private static final long PATTERN = 0x0102030405060708L;
    private final EngineFixture fixture = new ProviderFixture(new CpuProvider(), Optional.empty(), null,
        Map.of(CpuProvider.OPTION_RING_SIZE, "64", CpuProvider.OPTION_CHANNELS, "1"));
    private final DmaChannel channel = fixture.engine().channel(0);
    private final CompletionBatch batch = new CompletionBatch(64);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void everyOpAllocatesNothingOnTheOwnerNorOnTheExecutor() {
        EngineFixture.HostRegion a = fixture.allocateHost(LENGTH_BYTES);
        EngineFixture.HostRegion b = fixture.allocateHost(LENGTH_BYTES);
        EngineFixture.HostRegion c = fixture.allocateHost(LENGTH_BYTES);
        EngineFixture.HostRegion d = fixture.allocateHost(LENGTH_BYTES);
        for (int i = 0; i < LENGTH_BYTES; i++) {
            a.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (PATTERN >>> (8 * (i & 7))));
        }
        byte[] data = new byte[LENGTH_BYTES];
        java.lang.foreign.MemorySegment.copy(a.segment(), ValueLayout.JAVA_BYTE, 0, data, 0, LENGTH_BYTES);
        CRC32C reference = new CRC32C();
        reference.update(data);
        long expectedCrc = reference.getValue();
        Runnable rounds = () -> {
            for (int round = 0; round < 5_000; round++) {
                long first = channel.enqueueDualcast(SPACE_BUS, a.busAddress(), SPACE_BUS, b.busAddress(), SPACE_BUS, c.busAddress(),
                    LENGTH_BYTES, 0);
                channel.enqueueCompare(SPACE_BUS, b.busAddress(), SPACE_BUS, c.busAddress(), LENGTH_BYTES, DmaChannel.FLAG_FENCE);
                channel.enqueueComparePattern(PATTERN, SPACE_BUS, b.busAddress(), LENGTH_BYTES, 0);
                channel.enqueueCompare(SPACE_BUS, a.busAddress(), SPACE_BUS, d.busAddress(), LENGTH_BYTES, 0);
                channel.enqueueCrc32c(SPACE_BUS, a.busAddress(), LENGTH_BYTES, 0, DmaChannel.FLAG_SUBMIT);
                int seen = 0;
                while (seen < 5) {
                    int n = channel.poll(batch);
                    for (int i = 0; i < n; i++) {
                        long which = batch.ticket(i) - first;
                        long expected = which == 0 ? 0 : which == 1 || which == 2 ? DmaOpKind.COMPARE_EQUAL : which == 3 ? 0 : expectedCrc;
                        if (batch.status(i) != OpStatus.SUCCESS || batch.resultValue(i) != expected) {
                            throw new AssertionError("round " + round + " op " + which + ": status " + batch.status(i) + ", result "
                                + batch.resultValue(i) + ", expected " + expected);
                        }
                    }
                    seen += n;
                    if (n == 0) {
                        Thread.onSpinWait();
                    }
                }
            }
        };
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Thread executor = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().endsWith("-executor0") && t.getName().startsWith("dmactl-")).findFirst().orElseThrow();
        long owner = ThreadAllocation.bytesAllocatedBy(rounds); // warmed up: the executor's code is compiled too
        long executorBefore = threads.getThreadAllocatedBytes(executor.threadId());
        rounds.run();
        long executorAllocated = threads.getThreadAllocatedBytes(executor.threadId()) - executorBefore;
        assertEquals(0, owner, "bytes the owner allocated over 5000 rounds of dualcast, compare, compare-pattern, CRC-32C");
        assertEquals(0, executorAllocated, "bytes the executor allocated running 25000 ops");
    }
}
