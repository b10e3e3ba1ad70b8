package io.dmactl.core.memory;

import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeIommuDomain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IovaMappingsTest {
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
        IovaMapping first = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE);
        IovaMapping second = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE);
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
        IovaMapping inFlight = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE);
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
        IovaMapping low = mappings.acquire(filler, filler.pages(), (1L << 20) - 1);
        IovaMapping wide = mappings.acquire(buffer, buffer.pages(), Long.MAX_VALUE);
        assertTrue(wide.iova() < 1L << 20, "first fit is low anyway");
        IovaMapping narrow = mappings.acquire(buffer, buffer.pages(), 0xfffff);
        assertSame(wide, narrow, "an existing mapping below the limit is reused");
        low.release();
        mappings.forget(filler);
        IovaMapping tiny = mappings.acquire(buffer, buffer.pages(), wide.iova() - 1);
        assertNotEquals(wide.iova(), tiny.iova(), "a mapping above the limit is not reused");
        assertTrue(tiny.lastIova() < wide.iova());
        assertEquals(2, mappings.size());
    }

    @Test
    void closeUnmapsEverythingLeft() {
        DmaBuffer a = pool.allocate(4096);
        DmaBuffer b = pool.allocate(8192);
        mappings.acquire(a, a.pages(), Long.MAX_VALUE);
        mappings.acquire(b, b.pages(), Long.MAX_VALUE);
        mappings.close();
        assertEquals(0, domain.mappingCount());
        assertThrows(IllegalStateException.class, () -> mappings.acquire(a, a.pages(), Long.MAX_VALUE));
    }
}
