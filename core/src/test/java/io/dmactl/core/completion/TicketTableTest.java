package io.dmactl.core.completion;

import io.dmactl.core.spi.DmaOpKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TicketTableTest {

    private static PendingTransfer transfer() {
        return new PendingTransfer(DmaOpKind.COPY, 0, 0, 0, 0, 1, 0, false, 1, 0, null, null, null, null, r -> { });
    }

    @Test
    void aStragglerDoesNotBlockLaterTicketsOfTheSameRingSlot() {
        TicketTable table = new TicketTable(4);
        PendingTransfer straggler = transfer();
        assertTrue(table.put(0, straggler, 10));
        for (long t = 1; t < 100; t++) {
            PendingTransfer p = transfer();
            assertTrue(table.put(t, p, 10 + t), "ticket " + t);
            assertSame(p, table.remove(t));
        }
        assertEquals(1, table.size());
        assertEquals(0, table.lowestTicket());
        assertEquals(10, table.enqueueNanos(0));
        assertSame(straggler, table.remove(0));
        assertEquals(Long.MAX_VALUE, table.lowestTicket());
    }

    @Test
    void refusesMoreThanCapacityAndDuplicates() {
        TicketTable table = new TicketTable(2);
        assertTrue(table.put(5, transfer(), 0));
        assertFalse(table.put(5, transfer(), 0), "duplicate");
        assertTrue(table.put(6, transfer(), 0));
        assertFalse(table.put(7, transfer(), 0), "over capacity");
        assertNull(table.remove(9));
    }

    @Test
    void randomCompletionOrderMatchesAMap() {
        int capacity = 64;
        TicketTable table = new TicketTable(capacity);
        Map<Long, PendingTransfer> expected = new HashMap<>();
        Random random = new Random(1);
        long next = 0;
        for (int step = 0; step < 200_000; step++) {
            if (expected.size() < capacity && (expected.isEmpty() || random.nextInt(3) > 0)) {
                PendingTransfer p = transfer();
                assertTrue(table.put(next, p, next));
                expected.put(next++, p);
            } else {
                List<Long> keys = new ArrayList<>(expected.keySet());
                // mostly old tickets, sometimes a long-lived straggler stays behind
                long victim = keys.get(random.nextInt(keys.size()));
                assertSame(expected.remove(victim), table.remove(victim), "ticket " + victim);
            }
            if (step % 997 == 0) {
                for (Map.Entry<Long, PendingTransfer> e : expected.entrySet()) {
                    assertTrue(table.contains(e.getKey()), "lost ticket " + e.getKey());
                    assertEquals(e.getKey(), table.enqueueNanos(e.getKey()));
                }
                assertEquals(expected.size(), table.size());
            }
        }
        List<PendingTransfer> drained = new ArrayList<>();
        table.drain(drained::add);
        assertEquals(expected.size(), drained.size());
        assertEquals(0, table.size());
    }
}
