package io.dmactl.core.completion;

import io.dmactl.core.spi.DmaOpKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransferInboxTest {

    private static PendingTransfer node(long producer, long sequence) {
        // lengthBytes carries (producer, sequence) so the consumer can check order and uniqueness
        return new PendingTransfer(DmaOpKind.COPY, 0, producer, 0, sequence, 1, 0, false, 1, 0, null, null, null, null, r -> { });
    }

    @Test
    void singleThreadedFifo() {
        TransferInbox inbox = new TransferInbox();
        assertTrue(inbox.isEmpty());
        assertNull(inbox.poll());
        PendingTransfer a = node(0, 0);
        PendingTransfer b = node(0, 1);
        inbox.offer(a);
        inbox.offer(b);
        assertTrue(!inbox.isEmpty());
        assertSame(a, inbox.poll());
        assertSame(b, inbox.poll());
        assertNull(inbox.poll());
        assertTrue(inbox.isEmpty());
        inbox.offer(a);
        assertSame(a, inbox.poll(), "a node can be queued again after it was taken");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void manyProducersOneConsumerLoseNothingAndKeepPerProducerOrder() throws InterruptedException {
        TransferInbox inbox = new TransferInbox();
        int producers = 4;
        int perProducer = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long id = p;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    inbox.offer(node(id, i));
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        long[] next = new long[producers];
        int received = 0;
        while (received < producers * perProducer) {
            PendingTransfer n = inbox.poll();
            if (n == null) {
                Thread.onSpinWait();
                continue;
            }
            int producer = (int) n.srcAddress;
            assertEquals(next[producer], n.dstAddress, "producer " + producer + " out of order or duplicated");
            next[producer]++;
            received++;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(inbox.poll());
        for (int p = 0; p < producers; p++) {
            assertEquals(perProducer, next[p]);
        }
    }
}
