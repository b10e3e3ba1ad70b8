package io.dmactl.provider.cpu;

import io.dmactl.core.conformance.ThreadAllocation;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;

import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The producer side checks what its own device side hands back: COMPLETED must lie between what
 * was harvested and what was published, and each status must be one a device may report. Here the
 * test plays the device, writing the ring's registers and statuses itself.
 */
class DescriptorRingCheckTest {
    private final Arena arena = Arena.ofShared();
    private final RingMemory ring = RingMemory.allocate(arena, 8);
    /** The test's handle on the protected restart. */
    private interface Restartable {
        long restart();
    }

    private final DescriptorRingChannel channel = new Ring(ring);

    private static final class Ring extends DescriptorRingChannel implements Restartable {
        Ring(RingMemory memory) {
            super(memory);
        }

        @Override
        public long restart() {
            return restartRing();
        }

        @Override
        protected void doorbellRung(long doorbell) {
        }

        @Override
        public int index() {
            return 0;
        }

        @Override
        public CompletionInterrupt interrupt() {
            return null;
        }
    }
    private final CompletionBatch batch = new CompletionBatch(16);

    @AfterEach
    void close() {
        arena.close();
    }

    private void completeUpTo(long completed) {
        ring.registers().set(ValueLayout.JAVA_LONG, CpuDescriptor.REG_COMPLETED, completed);
    }

    private void status(long ticket, int status) {
        ring.statuses().set(ValueLayout.JAVA_INT, (ticket & 7) * CpuDescriptor.STATUS_BYTES, status);
    }

    private void enqueueAndSubmit(int ops) {
        for (int i = 0; i < ops; i++) {
            channel.enqueueCopy(SPACE_BUS, 0x1000, SPACE_BUS, 0x2000, 64, 0);
        }
        channel.submit();
    }

    @Test
    void completedPastWhatWasPublishedReportsNothing() {
        enqueueAndSubmit(2);
        completeUpTo(7);
        assertEquals(0, channel.poll(batch), "tickets 2..6 were never enqueued");
        assertEquals(1, channel.badCompletedCount());
        assertEquals("cpu engine channel 0: COMPLETED reads 7 with tickets 0 (harvested) to 2 (published) outstanding; "
            + "1 such read(s); the ring needs a reset", channel.ringFault("cpu engine"));
        completeUpTo(2);
        assertEquals(2, channel.poll(batch), "the ops that did run are reported once COMPLETED is sane again");
        assertEquals(0, batch.ticket(0));
        assertEquals(1, batch.ticket(1));
    }

    @Test
    void completedMovingBackwardsReportsNothingAndNothingTwice() {
        enqueueAndSubmit(3);
        completeUpTo(2);
        assertEquals(2, channel.poll(batch));
        completeUpTo(0);
        assertEquals(0, channel.poll(batch));
        completeUpTo(2);
        assertEquals(0, channel.poll(batch), "tickets 0 and 1 were reported already");
        completeUpTo(3);
        assertEquals(1, channel.poll(batch));
        assertEquals(2, batch.ticket(0));
        assertEquals(1, channel.badCompletedCount(), "one read went backwards");
    }

    @Test
    void theFaultHoldsUntilTheRingRestartsAndTheCountStays() {
        enqueueAndSubmit(1);
        assertNull(channel.ringFault("cpu engine"));
        completeUpTo(-1);
        assertEquals(0, channel.poll(batch));
        String fault = channel.ringFault("cpu engine");
        assertNotNull(fault);
        assertSame(fault, channel.ringFault("cpu engine"), "built once");
        assertEquals(1, restart());
        assertNull(channel.ringFault("cpu engine"));
        assertEquals(1, channel.badCompletedCount());
        enqueueAndSubmit(1);
        completeUpTo(2);
        assertEquals(1, channel.poll(batch));
        assertEquals(1, batch.ticket(0));
    }

    /** The checked harvest allocates nothing, good statuses or bad. */
    @Test
    void pollingWithTheChecksAllocatesNothing() {
        long[] completed = {0};
        long allocated = ThreadAllocation.bytesAllocatedBy(() -> {
            for (int i = 0; i < 20_000; i++) {
                enqueueAndSubmit(2);
                status(completed[0], OpStatus.SUCCESS);
                status(completed[0] + 1, 99);
                completed[0] += 2;
                completeUpTo(completed[0]);
                if (channel.poll(batch) != 2 || batch.status(1) != OpStatus.DEVICE_ERROR) {
                    throw new AssertionError("round " + i + ": expected 2 completions, the second a DEVICE_ERROR");
                }
            }
        });
        assertEquals(0, allocated, "bytes allocated by 20000 enqueue/submit/poll rounds");
    }

    private long restart() {
        return ((Restartable) channel).restart();
    }

    @Test
    void aStatusNoDeviceMayReportBecomesADeviceErrorCarryingIt() {
        enqueueAndSubmit(3);
        status(0, OpStatus.SUCCESS);
        status(1, 99);
        status(2, OpStatus.TIMEOUT); // only the core sets TIMEOUT
        completeUpTo(3);
        assertEquals(3, channel.poll(batch));
        assertEquals(OpStatus.SUCCESS, batch.status(0));
        assertEquals(OpStatus.name(OpStatus.DEVICE_ERROR), OpStatus.name(batch.status(1)));
        assertEquals(99, batch.deviceCode(1));
        assertEquals(OpStatus.name(OpStatus.DEVICE_ERROR), OpStatus.name(batch.status(2)));
        assertEquals(OpStatus.TIMEOUT, batch.deviceCode(2));
        assertEquals(2, channel.badStatusCount());
        assertNull(channel.ringFault("cpu engine"), "a bad status is counted, not fatal");
    }
}
