package io.dmactl.core.memory;

import io.dmactl.core.IovaExhaustedException;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IovaMappingsTest {
    private static final DmaAccess RW = DmaAccess.DEVICE_READS_AND_WRITES;
    private static final DmaAccess READS = DmaAccess.DEVICE_READS;
    private static final DmaAccess WRITES = DmaAccess.DEVICE_WRITES;
    private static final long LIMIT_20_BITS = (1L << 20) - 1;
    private FakeIommuDomain domain;
    private IovaMappings mappings;
    private DmaMemoryPool pool;

    @BeforeEach
    void setUp() {
        domain = new FakeIommuDomain("fake");
        mappings = new IovaMappings(domain);
        pool = new DmaMemoryPool(new ArenaPageSource(4096), 4096, 2L << 20, 16L << 20);
    }

    @AfterEach
    void tearDown() {
        pool.close();
        mappings.close();
    }

    @Test
    void aLocationIsMappedOnceAndUnmappedWhenTheLastReferenceGoes() {
        DmaBuffer buffer = pool.allocate(10_000);
        IovaMapping first = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE, RW);
        IovaMapping second = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE, RW);
        assertSame(first, second);
        assertEquals(1, domain.mapCalls());
        assertEquals(3, first.references(), "registration + two users");
        assertEquals(3 * 4096, first.lengthBytes(), "whole pages are mapped");
        first.release();
        second.release();
        assertEquals(0, domain.unmapCalls(), "the registration keeps it mapped between transfers");
        assertEquals(first.iova(), mappings.iovaOf(buffer).orElseThrow());
        mappings.forget(buffer);
        assertEquals(1, domain.unmapCalls());
        assertTrue(mappings.iovaOf(buffer).isEmpty());
        assertEquals(0, mappings.size());
    }

    @Test
    void aLocationInUseStaysMappedAfterItsRegistrationIsDropped() {
        DmaBuffer buffer = pool.allocate(4096);
        IovaMapping inFlight = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE, RW);
        mappings.forget(buffer);
        assertEquals(0, domain.unmapCalls());
        assertTrue(domain.translate(inFlight.iova(), 4096, true) != null, "the device can still reach it");
        inFlight.release();
        assertEquals(1, domain.unmapCalls());
        assertEquals(null, domain.translate(inFlight.iova(), 4096, true), "unmapped after the last user");
        assertThrows(IllegalStateException.class, inFlight::release, "one release too many");
    }

    @Test
    void aNarrowerMaskGetsItsOwnLowerMapping() {
        DmaBuffer buffer = pool.allocate(4096);
        DmaBuffer filler = pool.allocate(4096);
        IovaMapping narrow = mappings.acquire(buffer, buffer.pages(), LIMIT_20_BITS, RW);
        assertTrue(narrow.lastIova() <= LIMIT_20_BITS, narrow.toString());
        IovaMapping wide = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE, RW);
        assertSame(narrow, wide, "an existing mapping below the limit is reused by a wider engine");
        IovaMapping high = mappings.acquire(filler, filler.pages(), Long.MAX_VALUE, RW);
        assertTrue(high.iova() > LIMIT_20_BITS, "a wide engine's first mapping is placed high: " + high);
        IovaMapping low = mappings.acquire(filler, filler.pages(), LIMIT_20_BITS, RW);
        assertNotEquals(high.iova(), low.iova(), "a mapping above the limit is not reused");
        assertTrue(low.lastIova() <= LIMIT_20_BITS, low.toString());
        assertEquals(3, mappings.size());
        assertEquals(2, mappings.mappingsOf(filler).size());
        assertEquals(low.iova(), mappings.iovaOf(filler, LIMIT_20_BITS).orElseThrow());
        assertEquals(low.iova(), mappings.iovaOf(filler).orElseThrow(), "the lowest of the two");
        assertTrue(mappings.iovaOf(filler, low.iova()).isEmpty(), "none ends at or below its own first IOVA");
    }

    @Test
    void eachAccessRightGetsItsOwnMappingAndTheIommuEnforcesIt() {
        DmaBuffer buffer = pool.allocate(8192);
        IovaMapping source = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE, READS);
        IovaMapping destination = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE, WRITES);
        assertNotEquals(source.iova(), destination.iova(), "type1 cannot change rights: a second IOVA for the same pages");
        assertSame(source, mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE, READS), "same right: reused");
        assertEquals(2, domain.mapCalls());
        assertEquals(READS, source.access());
        assertNull(domain.translate(source.iova(), 8192, true), "a device write through the source mapping faults");
        assertNotNull(domain.translate(source.iova(), 8192, false));
        assertNull(domain.translate(destination.iova(), 8192, false), "a device read through the destination mapping faults");
        assertNotNull(domain.translate(destination.iova(), 8192, true));
        IovaMapping ring = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE, RW);
        assertNotEquals(source.iova(), ring.iova(), "read-write is a third right, not served by a one-way mapping");
        assertNotNull(domain.translate(ring.iova(), 8192, false));
        assertNotNull(domain.translate(ring.iova(), 8192, true));
    }

    /**
     * A location with three mappings (read-only high and low, write-only): the registration goes,
     * the idle ones are unmapped at once, the one a transfer still uses only at its last release.
     */
    @Test
    void everyMappingOfALocationLivesUntilItsOwnLastReference() {
        DmaBuffer buffer = pool.allocate(4096);
        IovaMapping inFlight = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE, READS);
        IovaMapping lowDone = mappings.acquire(buffer, buffer.pages(), LIMIT_20_BITS, READS);
        IovaMapping writeDone = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE, WRITES);
        assertEquals(3, mappings.mappingsOf(buffer).size());
        lowDone.release();
        writeDone.release();
        assertEquals(0, domain.unmapCalls(), "the registration keeps idle mappings");
        mappings.forget(buffer);
        assertEquals(2, domain.unmapCalls(), "the two idle ones went with the registration");
        assertEquals(List.of(inFlight), mappings.mappingsOf(buffer));
        assertNotNull(domain.translate(inFlight.iova(), 4096, false), "the device can still read what it is reading");
        inFlight.release();
        assertEquals(3, domain.unmapCalls());
        assertEquals(0, domain.mappingCount());
        assertEquals(0, mappings.allocator().allocationCount(), "every IOVA came back");
    }

    @Test
    void idleMappingsMakeRoomUnderAMaskButMappingsInUseNever() {
        // Below 2^20: 255 pages (page 0 is never used). Each buffer is 100 pages.
        DmaBuffer a = pool.allocate(100 * 4096);
        DmaBuffer b = pool.allocate(100 * 4096);
        DmaBuffer c = pool.allocate(100 * 4096);
        DmaBuffer d = pool.allocate(100 * 4096);
        IovaMapping aInFlight = mappings.acquire(a, a.pages(), LIMIT_20_BITS, READS);
        mappings.acquire(b, b.pages(), LIMIT_20_BITS, READS).release(); // idle: only its registration
        IovaMapping bHigh = mappings.acquire(b, b.pages(), Long.MAX_VALUE, WRITES);
        bHigh.release();

        IovaMapping cInFlight = mappings.acquire(c, c.pages(), LIMIT_20_BITS, WRITES);
        assertTrue(cInFlight.lastIova() <= LIMIT_20_BITS);
        assertEquals(1, mappings.evictionCount(), "b's idle low mapping made room");
        assertEquals(List.of(bHigh), mappings.mappingsOf(b), "b's high mapping was of no use below 2^20 and stays");
        assertNotNull(domain.translate(aInFlight.iova(), 100 * 4096, false), "a mapping in use is never evicted");

        long mapsBefore = domain.mapCalls();
        IovaExhaustedException full = assertThrows(IovaExhaustedException.class,
            () -> mappings.acquire(d, d.pages(), LIMIT_20_BITS, READS));
        assertTrue(full.getMessage().contains("0xfffff"), full.getMessage());
        assertEquals(mapsBefore, domain.mapCalls());
        assertEquals(1, mappings.evictionCount(), "nothing idle below the limit: nothing unmapped");
        assertEquals(List.of(bHigh), mappings.mappingsOf(b));
        assertNotNull(domain.translate(aInFlight.iova(), 100 * 4096, false));
        assertNotNull(domain.translate(cInFlight.iova(), 100 * 4096, true));

        aInFlight.release(); // a's transfer ends; its mapping stays, idle
        IovaMapping dMapping = mappings.acquire(d, d.pages(), LIMIT_20_BITS, READS);
        assertTrue(dMapping.lastIova() <= LIMIT_20_BITS);
        assertEquals(2, mappings.evictionCount());
        assertTrue(mappings.mappingsOf(a).isEmpty(), "a's idle mapping made room");
        assertNotNull(domain.translate(dMapping.iova(), 100 * 4096, false));
        IovaMapping aAgain = mappings.acquire(a, a.pages(), Long.MAX_VALUE, READS);
        assertTrue(aAgain.iova() > LIMIT_20_BITS, "a used again by a wide engine: mapped anew, high");
    }

    /**
     * A 2 MiB buffer cannot be mapped under a 20-bit mask (1 MiB): a transfer gets a window over
     * only its pages, shared while in use, unmapped when its last user releases it.
     */
    @Test
    void aLocationLargerThanTheSpaceUnderAMaskIsMappedPerTransfer() {
        DmaBuffer big = pool.allocate(2L << 20);
        long offset = (1L << 20) + 100;
        IovaMapping window = mappings.acquireRange(big, big.pages(), offset, 5000, LIMIT_20_BITS, READS);
        assertFalse(window.wholeLocation());
        assertEquals(1L << 20, window.locationOffset(), "from the transfer's first page");
        assertEquals(2 * 4096, window.lengthBytes(), "to its last page");
        assertTrue(window.lastIova() <= LIMIT_20_BITS, window.toString());
        MemorySegment seen = domain.translate(window.busAddress(offset), 5000, false);
        assertEquals(big.segment().address() + offset, seen.address(), "the bus address reaches byte " + offset);
        assertNull(domain.translate(window.busAddress(offset), 5000, true), "still read-only");
        assertSame(window, mappings.acquireRange(big, big.pages(), offset + 4000, 1000, LIMIT_20_BITS, READS),
            "a transfer inside the window shares it");
        assertTrue(mappings.iovaOf(big).isEmpty(), "a window is not a mapping of the whole buffer");
        mappings.forget(big); // the buffer closes: the window has no registration to drop
        assertEquals(1, domain.mappingCount());
        window.release();
        assertEquals(1, domain.mappingCount());
        window.release();
        assertEquals(0, domain.mappingCount(), "unmapped with its last transfer");
        assertEquals(0, mappings.size());
        assertEquals(0, mappings.allocator().allocationCount());
    }

    /** The whole buffer would fit under the mask, but the space is held by a transfer: a window. */
    @Test
    void aWindowWhenTheSpaceForTheWholeLocationIsInUse() {
        DmaBuffer a = pool.allocate(200 * 4096);
        DmaBuffer b = pool.allocate(100 * 4096);
        IovaMapping aInFlight = mappings.acquireRange(a, a.pages(), 0, 4096, LIMIT_20_BITS, WRITES);
        assertTrue(aInFlight.wholeLocation(), "a fits: mapped whole");
        IovaMapping bWindow = mappings.acquireRange(b, b.pages(), 50 * 4096, 4096, LIMIT_20_BITS, READS);
        assertFalse(bWindow.wholeLocation(), "55 pages left under 2^20: only the transfer's page");
        assertEquals(4096, bWindow.lengthBytes());
        IovaMapping bWide = mappings.acquireRange(b, b.pages(), 50 * 4096, 4096, Long.MAX_VALUE, READS);
        assertSame(bWindow, bWide, "a wide engine may use the live window too");
        bWide.release();
        bWindow.release();
        assertTrue(mappings.mappingsOf(b).isEmpty());
        assertThrows(IllegalArgumentException.class,
            () -> mappings.acquireRange(b, b.pages(), 100 * 4096 - 10, 11, LIMIT_20_BITS, READS), "past the pages");
        aInFlight.release();
    }

    /**
     * Four threads acquire and release mappings of eight buffers under a 20-bit mask (room for about
     * four whole buffers), so idle mappings are evicted and windows made all the time, racing with
     * lock-free lookups: a mapping a thread holds always translates to its own buffer's bytes, with
     * its rights, until it is released, and no acquire is ever refused.
     */
    @Test
    void evictionNeverTakesAMappingAThreadHolds() throws Exception {
        List<DmaBuffer> buffers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            buffers.add(pool.allocate(60 * 4096));
        }
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                runs.add(threads.submit(() -> {
                    java.util.Random random = new java.util.Random(seed);
                    for (int i = 0; i < 3000; i++) {
                        DmaBuffer buffer = buffers.get(random.nextInt(buffers.size()));
                        DmaAccess access = random.nextBoolean() ? READS : WRITES;
                        long offset = random.nextInt(60 * 4096 - 100);
                        long length = 1 + random.nextInt((int) Math.min(60 * 4096 - offset, 3 * 4096));
                        IovaMapping m = mappings.acquireRange(buffer, buffer.pages(), offset, length, LIMIT_20_BITS, access);
                        for (int check = 0; check < 2; check++) {
                            MemorySegment seen = domain.translate(m.busAddress(offset), length, access == WRITES);
                            if (seen == null || seen.address() != buffer.segment().address() + offset) {
                                throw new AssertionError("thread " + seed + " op " + i + ": " + m + " no longer reaches "
                                    + buffer.name() + " + " + offset);
                            }
                            Thread.yield();
                        }
                        m.release();
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> run : runs) {
                run.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertTrue(mappings.evictionCount() > 100, "evictions " + mappings.evictionCount());
        for (DmaBuffer buffer : buffers) {
            mappings.forget(buffer);
        }
        assertEquals(0, domain.mappingCount());
        assertEquals(0, mappings.allocator().allocationCount());
    }

    @Test
    void closeUnmapsEverythingLeft() {
        DmaBuffer a = pool.allocate(4096);
        DmaBuffer b = pool.allocate(8192);
        mappings.acquire(a, a.pages(), Long.MAX_VALUE, RW);
        mappings.acquire(b, b.pages(), Long.MAX_VALUE, RW);
        mappings.close();
        assertEquals(0, domain.mappingCount());
        assertThrows(IllegalStateException.class, () -> mappings.acquire(a, a.pages(), Long.MAX_VALUE, RW));
    }
}
