package io.dmactl.core.memory;

import io.dmactl.core.PoolExhaustedException;
import io.dmactl.core.location.DmaBuffer;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DmaMemoryPoolTest {
    private static final long MIB = 1L << 20;

    private static DmaMemoryPool pool(long limit) {
        return new DmaMemoryPool(new ArenaPageSource(4096), 4096, 2 * MIB, limit);
    }

    @Test
    void buffersArePageAlignedZeroedAndDisjoint() {
        try (DmaMemoryPool pool = pool(8 * MIB)) {
            List<DmaBuffer> buffers = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                DmaBuffer b = pool.allocate(i * 1000L);
                assertEquals(0, b.segment().address() % 4096);
                assertEquals(i * 1000L, b.lengthBytes());
                for (long at = 0; at < b.lengthBytes(); at += 97) {
                    assertEquals(0, b.segment().get(ValueLayout.JAVA_BYTE, at));
                }
                b.segment().fill((byte) 0x5a);
                for (DmaBuffer other : buffers) {
                    long s = b.pages().address();
                    long o = other.pages().address();
                    assertTrue(s + b.pages().byteSize() <= o || o + other.pages().byteSize() <= s, "overlap");
                }
                buffers.add(b);
            }
            DmaBuffer first = buffers.get(0);
            first.close();
            DmaBuffer reused = pool.allocate(1000);
            assertEquals(first.pages().address(), reused.pages().address(), "freed pages are reused first");
            assertEquals(0, reused.segment().get(ValueLayout.JAVA_BYTE, 0), "reused memory is zeroed again");
        }
    }

    @Test
    void alignmentLargerThanAPageIsHonoured() {
        try (DmaMemoryPool pool = pool(8 * MIB)) {
            pool.allocate(4096);
            DmaBuffer aligned = pool.allocate(4096, 64 * 1024);
            assertEquals(0, aligned.segment().address() % (64 * 1024));
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> pool.allocate(4096, 3000));
            assertTrue(bad.getMessage().contains("3000"), bad.getMessage());
        }
    }

    @Test
    void buffersLargerThanAChunkGetTheirOwnAndGiveItBack() {
        try (DmaMemoryPool pool = pool(16 * MIB)) {
            DmaBuffer big = pool.allocate(5 * MIB + 1);
            assertEquals(5 * MIB + 1, big.lengthBytes());
            assertEquals(5 * MIB + 4096, pool.reservedBytes());
            big.close();
            assertEquals(0, pool.reservedBytes(), "a dedicated block goes back to the source");
        }
    }

    @Test
    void exhaustionTooLargeAndBadLengthsAreClearErrors() {
        try (DmaMemoryPool pool = pool(4 * MIB)) {
            IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class, () -> pool.allocate(5 * MIB));
            assertTrue(tooLarge.getMessage().contains("5242880") && tooLarge.getMessage().contains("limit"), tooLarge.getMessage());
            assertThrows(IllegalArgumentException.class, () -> pool.allocate(0));
            assertThrows(IllegalArgumentException.class, () -> pool.allocate(-1));
            DmaBuffer a = pool.allocate(2 * MIB);
            pool.allocate(2 * MIB);
            PoolExhaustedException full = assertThrows(PoolExhaustedException.class, () -> pool.allocate(4096));
            assertTrue(full.getMessage().contains("4096 bytes requested") && full.getMessage().contains("limit 4194304"),
                full.getMessage());
            a.close();
            assertDoesNotThrow(() -> pool.allocate(4096), "freeing makes room again");
        }
    }

    @Test
    void doubleFreeAndForeignBuffersAreRefused() {
        try (DmaMemoryPool pool = pool(4 * MIB); DmaMemoryPool other = pool(4 * MIB)) {
            DmaBuffer b = pool.allocate(4096);
            assertTrue(pool.owns(b));
            assertFalse(other.owns(b));
            b.close();
            IllegalStateException twice = assertThrows(IllegalStateException.class, b::close);
            assertTrue(twice.getMessage().contains("double free of " + b.name()), twice.getMessage());
        }
    }

    @Test
    void clientMemoryCanBeRegisteredWhenNativeAndPageAligned() {
        try (DmaMemoryPool pool = pool(4 * MIB); Arena arena = Arena.ofConfined()) {
            MemorySegment client = arena.allocate(8192, 4096);
            client.set(ValueLayout.JAVA_INT, 0, 42);
            DmaBuffer registered = pool.register(client);
            assertTrue(registered.isRegistered());
            assertEquals(42, registered.segment().get(ValueLayout.JAVA_INT, 0), "registration does not touch the data");
            IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class, () -> pool.register(client.asSlice(4096)));
            assertTrue(overlap.getMessage().contains("overlaps registered"), overlap.getMessage());
            IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                () -> pool.register(MemorySegment.ofArray(new byte[8192])));
            assertTrue(heap.getMessage().contains("heap segment"), heap.getMessage());
            IllegalArgumentException unaligned = assertThrows(IllegalArgumentException.class,
                () -> pool.register(arena.allocate(8192, 4096).asSlice(8, 4096)));
            assertTrue(unaligned.getMessage().contains("page size 4096"), unaligned.getMessage());
            DmaBuffer ours = pool.allocate(4096);
            IllegalArgumentException poolMemory = assertThrows(IllegalArgumentException.class, () -> pool.register(ours.pages()));
            assertTrue(poolMemory.getMessage().contains("overlaps memory of this pool"), poolMemory.getMessage());
            registered.close();
            assertEquals(42, client.get(ValueLayout.JAVA_INT, 0), "client memory is not freed by unregistering");
            assertDoesNotThrow(() -> pool.register(client).close(), "it can be registered again");
        }
    }

    @Test
    void releaseListenersRunBeforePagesAreReused() {
        try (DmaMemoryPool pool = pool(4 * MIB)) {
            List<Long> released = new ArrayList<>();
            pool.addReleaseListener(b -> released.add(b.pages().address()));
            DmaBuffer b = pool.allocate(4096);
            long address = b.pages().address();
            b.close();
            assertEquals(List.of(address), released);
        }
    }

    @Test
    void closingThePoolReleasesLiveBuffersAndLaterClosesAreHarmless() {
        DmaMemoryPool pool = pool(4 * MIB);
        List<Long> released = new ArrayList<>();
        pool.addReleaseListener(b -> released.add(b.id()));
        DmaBuffer live = pool.allocate(4096);
        pool.close();
        assertEquals(List.of(live.id()), released);
        assertTrue(live.isClosed());
        assertDoesNotThrow(live::close);
        assertThrows(IllegalStateException.class, () -> pool.allocate(4096));
        assertDoesNotThrow(pool::close);
    }
}
