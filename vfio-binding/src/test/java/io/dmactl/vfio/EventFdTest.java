package io.dmactl.vfio;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventFdTest {

    @Test
    void signalThenAwaitDrains() {
        try (EventFd event = EventFd.create()) {
            assertFalse(event.await(0), "fresh eventfd must not be signalled");
            event.signal();
            assertTrue(event.await(0));
            assertFalse(event.await(0), "await must drain the counter");
        }
    }

    @Test
    void readReturnsTheAccumulatedCount() {
        try (EventFd event = EventFd.create()) {
            event.signal();
            event.signal();
            event.signal();
            assertEquals(3, event.read());
            assertFalse(event.await(0));
        }
    }

    @Test
    void awaitTimesOutAfterTheTimeout() {
        try (EventFd event = EventFd.create()) {
            long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(50);
            long start = System.nanoTime();
            assertFalse(event.await(timeoutNanos));
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= timeoutNanos, "returned after " + elapsed + " ns, before the timeout");
        }
    }

    @Test
    void signalFromAnotherThreadWakesAWaiter() throws Exception {
        try (EventFd event = EventFd.create()) {
            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(
                    () -> event.await(TimeUnit.SECONDS.toNanos(10)));
            Thread.sleep(20);
            event.signal();
            assertTrue(waiter.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void negativeTimeoutIsRejected() {
        try (EventFd event = EventFd.create()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> event.await(-1));
            assertTrue(e.getMessage().contains("-1"), e.getMessage());
        }
    }

    @Test
    void closeReleasesTheFdAndIsIdempotent() throws Exception {
        EventFd event = EventFd.create();
        Path fdLink = Path.of("/proc/self/fd/" + event.fd());
        assertTrue(Files.readSymbolicLink(fdLink).toString().contains("eventfd"), fdLink.toString());
        event.close();
        event.close();
        // The number may be reused by another thread at once, but not for an eventfd of ours.
        assertTrue(!Files.exists(fdLink, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                || !Files.readSymbolicLink(fdLink).toString().contains("eventfd"), fdLink + " still open");
    }
}
