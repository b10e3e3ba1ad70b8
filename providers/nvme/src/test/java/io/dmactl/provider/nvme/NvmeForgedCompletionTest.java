package io.dmactl.provider.nvme;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.dmactl.core.spi.DmaChannel.FLAG_SUBMIT;
import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Completions the controller should never post: unknown or duplicated command ids, an SQ head
 * outside the queue or past the tail, another queue's SQID, a command not yet rung. Each must be
 * dropped and counted, never complete a live op, never throw out of poll; the live ops complete
 * exactly once with their own status.
 */
class NvmeForgedCompletionTest {
    private static final int NS = 1;
    private static final long IOVA = 0x800_0000;
    private static final NvmeNamespace NAMESPACE = new NvmeNamespace(7, 131072, 512, true, 128, 8, 1024);
    private static final int CAPACITY = 8;
    private static final int ENTRIES = CAPACITY + 1;
    private static final String ENGINE = "nvme@0000:00:04.0";

    private final FakeQueuePair controller = new FakeQueuePair(CAPACITY);
    private final NvmeChannel channel = new NvmeChannel(0, FakeQueuePair.QID, controller.memory, controller.mmio, 0,
        NAMESPACE, NS, 512 * 1024, null);
    private final CompletionBatch batch = new CompletionBatch(32);
    /** ticket -> status of every completion polled so far; a second report of a ticket fails at once. */
    private final Map<Long, Integer> reported = new HashMap<>();

    @AfterEach
    void close() {
        controller.close();
    }

    private long write(int block) {
        return channel.enqueueCopy(SPACE_BUS, IOVA, NS, 512L * block, 512, 0);
    }

    /** Polls until nothing more comes; records each completion and fails on a second report of a ticket. */
    private int pollAll() {
        int total = 0;
        int n;
        while ((n = channel.poll(batch)) > 0) {
            for (int i = 0; i < n; i++) {
                Integer earlier = reported.put(batch.ticket(i), batch.status(i));
                assertNull(earlier, "ticket " + batch.ticket(i) + " reported twice (first " + earlier + ")");
            }
            total += n;
        }
        return total;
    }

    private void assertReported(long ticket, int status) {
        assertTrue(reported.containsKey(ticket), "ticket " + ticket + " not reported; reported: " + reported);
        assertEquals(OpStatus.name(status), OpStatus.name(reported.get(ticket)), "status of ticket " + ticket);
    }

    @Test
    void unknownCommandIdsAreDroppedAndNeverFoldedOntoALiveCommand() {
        long a = write(0);
        long b = write(1);
        channel.submit();
        int cidA = controller.cid(0);
        int cidB = controller.cid(1);
        controller.complete(cidA + CAPACITY, NvmeStatus.SUCCESS);     // cidA once the id is masked to the ring
        controller.complete(0xffff, NvmeStatus.SUCCESS);               // far outside the ring
        controller.complete(5, NvmeStatus.SUCCESS);                    // a tracker no command holds
        assertEquals(0, pollAll(), "no forged completion may complete an op");
        assertEquals(2, channel.outstanding());
        assertEquals(3, channel.faults().droppedCount());
        String fatal = channel.faults().fatalCondition(ENGINE);
        assertTrue(fatal != null && fatal.contains(ENGINE + " I/O queue pair 1") && fatal.contains("CID 0x" + Integer.toHexString(cidA + CAPACITY))
            && fatal.contains("not outstanding"), fatal);

        controller.complete(cidB, NvmeStatus.DATA_TRANSFER_ERROR);
        controller.complete(cidA, NvmeStatus.SUCCESS);
        assertEquals(2, pollAll());
        assertReported(a, OpStatus.SUCCESS);
        assertReported(b, OpStatus.TRANSFER_FAULT);
        assertEquals(0, channel.outstanding());
        assertEquals(5, controller.cqHeadDoorbell(), "every entry, forged or not, is consumed and handed back");
        assertEquals(3, channel.faults().droppedCount(), "the genuine entries are not counted");
    }

    @Test
    void aDuplicatedCommandIdCompletesItsOpOnceAndNeverTheOpThatReusedTheTracker() {
        long a = write(0);
        long b = write(1);
        channel.submit();
        int cidA = controller.cid(0);
        int cidB = controller.cid(1);
        controller.complete(cidA, NvmeStatus.SUCCESS);
        controller.complete(cidA, 0x281); // the same id again, with another status
        assertEquals(1, pollAll());
        assertReported(a, OpStatus.SUCCESS);
        assertEquals(1, channel.faults().droppedCount());

        long c = write(2); // takes the tracker A freed
        channel.submit();
        int cidC = controller.cid(2);
        controller.complete(cidA, NvmeStatus.SUCCESS); // a late duplicate of A after its tracker was reused
        assertEquals(0, pollAll(), "the stale id must not complete the op that now holds the tracker");
        assertEquals(2, channel.faults().droppedCount());
        controller.complete(cidB, NvmeStatus.SUCCESS);
        controller.complete(cidC, NvmeStatus.DATA_TRANSFER_ERROR);
        assertEquals(2, pollAll());
        assertReported(b, OpStatus.SUCCESS);
        assertReported(c, OpStatus.TRANSFER_FAULT);
        assertNotEquals(cidA, cidC, "a reused tracker gets a new command id");
        assertEquals(0, channel.outstanding());
    }

    @Test
    void aCompletionWithTheSqHeadOutsideTheQueueOrPastTheTailIsDropped() {
        long a = write(0);
        long b = write(1);
        channel.submit(); // tail 2
        int cidA = controller.cid(0);
        controller.post(cidA, NvmeStatus.SUCCESS, ENTRIES, FakeQueuePair.QID);      // no such entry
        controller.post(cidA, NvmeStatus.SUCCESS, 0xffff, FakeQueuePair.QID);
        controller.post(cidA, NvmeStatus.SUCCESS, 5, FakeQueuePair.QID);            // past the tail rung (2)
        controller.post(cidA, NvmeStatus.SUCCESS, 0, FakeQueuePair.QID);            // A not fetched by this head
        controller.post(cidA, NvmeStatus.SUCCESS, 2, FakeQueuePair.QID + 1);        // another queue's SQ
        assertEquals(0, pollAll(), "a completion with an impossible SQ head or SQID completes nothing");
        assertEquals(2, channel.outstanding());
        assertEquals(5, channel.faults().droppedCount());
        assertTrue(channel.faults().fatalCondition(ENGINE).contains("SQ head outside the queue"), channel.faults().fatalCondition(ENGINE));

        controller.post(cidA, NvmeStatus.SUCCESS, 1, FakeQueuePair.QID);
        controller.post(controller.cid(1), NvmeStatus.SUCCESS, 2, FakeQueuePair.QID);
        assertEquals(2, pollAll());
        assertReported(a, OpStatus.SUCCESS);
        assertReported(b, OpStatus.SUCCESS);
        assertEquals(5, channel.faults().droppedCount());
    }

    @Test
    void aCompletionForACommandNotYetRungIsDropped() {
        long a = write(0);
        channel.submit();
        long d = write(1); // written into the SQ, doorbell not rung
        int cidD = controller.cid(1);
        controller.complete(cidD, NvmeStatus.SUCCESS);
        assertEquals(0, pollAll(), "the controller cannot have fetched an entry behind the tail it was given");
        assertTrue(channel.faults().fatalCondition(ENGINE).contains("not yet fetched"), channel.faults().fatalCondition(ENGINE));
        channel.submit();
        controller.complete(controller.cid(0), NvmeStatus.SUCCESS);
        controller.complete(cidD, NvmeStatus.SUCCESS);
        assertEquals(2, pollAll());
        assertReported(a, OpStatus.SUCCESS);
        assertReported(d, OpStatus.SUCCESS);
    }

    @Test
    void aCompletionQueueFullOfJunkWithTheRightPhaseEndsThePollAndTheQueueCarriesOn() {
        long a = write(0);
        channel.submit();
        for (int i = 0; i < ENTRIES; i++) {
            controller.post(0x7000 + i, NvmeStatus.SUCCESS, 1, FakeQueuePair.QID); // phase right, ids unknown
        }
        assertEquals(0, pollAll());
        assertEquals(ENTRIES, channel.faults().droppedCount());
        controller.complete(controller.cid(0), NvmeStatus.SUCCESS); // after the wrap, phase 0
        assertEquals(1, pollAll());
        assertReported(a, OpStatus.SUCCESS);
        assertEquals(1, controller.cqHeadDoorbell(), "ENTRIES + 1 entries consumed");
    }

    @Test
    void aReservedStatusCodeTypeCompletesTheOpAsADeviceError() {
        long a = write(0);
        channel.submit();
        controller.complete(controller.cid(0), 0x512); // SCT 5 is reserved (NVMe 1.4, figure 126)
        assertEquals(1, channel.poll(batch));
        assertEquals(a, batch.ticket(0));
        assertEquals(OpStatus.name(OpStatus.DEVICE_ERROR), OpStatus.name(batch.status(0)));
        assertEquals(0x512, batch.deviceCode(0));
        assertEquals(1, channel.faults().reservedStatusCount());
        assertEquals(0, channel.faults().droppedCount());
        assertNull(channel.faults().fatalCondition(ENGINE), "a reserved status on a live command is counted, not fatal");
    }

    @Test
    void aDroppedEntryIsFatalUntilTheQueuePairRestartsAndTheCountStays() {
        assertNull(channel.faults().fatalCondition(ENGINE));
        write(0);
        channel.submit();
        controller.complete(controller.cid(0) ^ 1 << 3, NvmeStatus.SUCCESS); // A's tracker, another generation
        assertEquals(0, pollAll());
        String fatal = channel.faults().fatalCondition(ENGINE);
        assertTrue(fatal != null && fatal.contains("controller reset"), fatal);
        assertTrue(fatal == channel.faults().fatalCondition(ENGINE), "built once, not per watchdog tick");

        controller.memory.completionQueue().fill((byte) 0); // what the engine's reset does
        channel.restart();
        assertNull(channel.faults().fatalCondition(ENGINE), "the reset recreated the queues: healthy again");
        assertEquals(1, channel.faults().droppedCount());
        assertEquals(0, channel.outstanding(), "the reset dropped the op (the core ends it ABORTED)");
    }
}
