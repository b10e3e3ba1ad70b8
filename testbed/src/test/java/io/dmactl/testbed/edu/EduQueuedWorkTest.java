package io.dmactl.testbed.edu;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.provider.edu.EduProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static io.dmactl.testbed.edu.EduTestbed.DMA_WAIT_SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #10 defect 2 on the device itself: edu is slow by design (each DMA waits for QEMU's
 * ~100 ms timer), so more work queued at once than it finishes within the op timeout is merely
 * busy, not hung. Every op must succeed and the engine must not be reset, because the watchdog
 * measures lack of progress, not time spent waiting behind other work. (Before the fix the ops
 * queued behind the first two seconds of work ended TIMEOUT or ABORTED and edu was reset.)
 */
@Tag("testbed")
class EduQueuedWorkTest {
    private static final int OPS = 40;
    private static final int SLICE_BYTES = 101;
    private static final Duration OP_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void moreQueuedWorkThanFitsInTheOpTimeoutAllSucceedsWithoutAReset() throws Exception {
        try (DmaRuntime runtime = DmaRuntime.builder()
            .onlyProviders(EduProvider.NAME)
            .option(EduProvider.OPTION_RING_SIZE, "64")
            .opTimeout(OP_TIMEOUT)
            .build();
             DmaBuffer source = runtime.allocate(OPS * SLICE_BYTES);
             DmaBuffer back = runtime.allocate(OPS * SLICE_BYTES)) {
            DevicePrivateSpace edu = runtime.privateSpace(EduTestbed.eduEngine(), EduProvider.BUFFER_SPACE);
            byte[] data = pattern(OPS * SLICE_BYTES, 61);
            write(source.segment(), 0, data);

            long started = System.nanoTime();
            List<CompletableFuture<TransferResult>> queued = new ArrayList<>();
            for (int i = 0; i < OPS; i++) { // all at once: ~4 s of device work against a 2 s op timeout
                queued.add(runtime.copy(source, (long) i * SLICE_BYTES, edu, (long) i * SLICE_BYTES, SLICE_BYTES));
            }
            for (int i = 0; i < OPS; i++) {
                TransferResult r = queued.get(i).get(DMA_WAIT_SECONDS + OPS, TimeUnit.SECONDS);
                assertEquals(TransferStatus.SUCCESS, r.status(), "op " + i + " of " + OPS + " queued at once: " + r);
            }
            long busyMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(busyMillis > OP_TIMEOUT.toMillis(), "the case needs more queued work than the op timeout; it took "
                + busyMillis + " ms");

            TransferResult r = runtime.copy(edu, 0, back, 0, (long) OPS * SLICE_BYTES).get(DMA_WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(TransferStatus.SUCCESS, r.status(), r.toString());
            assertBytes(data, back.segment(), 0, "edu buffer after " + OPS + " queued copies");

            EngineInfo info = runtime.engines().getFirst();
            assertEquals(0, info.resets(), "a busy engine is not reset (the queued work took " + busyMillis
                + " ms against an op timeout of " + OP_TIMEOUT.toMillis() + " ms): " + info);
        }
    }
}
