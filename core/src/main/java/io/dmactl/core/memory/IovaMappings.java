package io.dmactl.core.memory;

import io.dmactl.core.IovaExhaustedException;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.telemetry.DmactlEvents;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mappings of one IOMMU domain, shared by every engine of the domain. A location may have
 * several, each with its own IOVA:
 *
 * <ul>
 *   <li><b>One per access right</b> (least privilege): a transfer's source is mapped
 *       {@link DmaAccess#DEVICE_READS device-read-only}, its destination
 *       {@link DmaAccess#DEVICE_WRITES device-write-only}, an engine's own rings and completion
 *       areas {@link DmaAccess#DEVICE_READS_AND_WRITES read-write}. VFIO type1 cannot change the
 *       rights of an existing mapping, and an unmap/remap would have to wait until no transfer
 *       uses the location, so a location used first as a source and later as a destination gets a
 *       second, writable mapping of the same pages (type1 accepts the same memory at more than
 *       one IOVA). A request is served only by a mapping with exactly its rights: a source is
 *       never reachable for writes through the IOVA handed to its engine.</li>
 *   <li><b>One per DMA-mask class</b>: a mapping is reused by every engine whose mask reaches its
 *       last byte; a location mapped above a narrower engine's reach gets a second mapping below
 *       it. The allocator places mappings highest-fit under each request's limit, so wide engines'
 *       mappings sit high and the low space stays for narrow ones.</li>
 * </ul>
 *
 * <p>A mapping is reference-counted: its location's registration (until the location closes) and
 * every transfer in flight that uses it; the last release unmaps it. Registered mappings no
 * transfer uses are a cache: when an allocation under a limit finds no free range, such idle
 * mappings in reach are unmapped (largest first) until it fits, so an engine is refused only when
 * the space under its mask is held by mappings in use. A mapping with a transfer in flight, or
 * held by an engine for its rings, is never unmapped before its last release.
 *
 * <p>A location larger than the space under a narrow engine's mask (or whose whole mapping does
 * not fit there because that space is in use) is mapped per transfer: a window over only the
 * pages the transfer touches, with no registration, unmapped when the transfer ends (two ioctls
 * per transfer, only on this fallback).
 *
 * <p>Lookups are lock-free and allocation-free (the transfer path); mapping, eviction and
 * unmapping take a lock (control path, they issue ioctls).
 */
public final class IovaMappings implements AutoCloseable {
    private static final IovaMapping[] NONE = new IovaMapping[0];

    private final IommuDomain domain;
    private final IovaAllocator allocator;
    private final ConcurrentHashMap<DmaLocation, IovaMapping[]> byLocation = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private boolean closed;
    private long mapCount;
    private long unmapCount;
    private long evictionCount;

    /**
     * The mappings of {@code domain}, over a new allocator of its valid ranges.
     *
     * @param domain the IOMMU domain
     */
    public IovaMappings(IommuDomain domain) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.allocator = new IovaAllocator(domain.validIovaRanges(), domain.pageSizeBytes());
    }

    /**
     * The domain the mappings are in.
     *
     * @return the domain
     */
    public IommuDomain domain() {
        return domain;
    }

    /**
     * The allocator of the domain's IOVAs.
     *
     * @return the allocator
     */
    public IovaAllocator allocator() {
        return allocator;
    }

    /**
     * Returns a mapping of all of {@code location}'s {@code pages} with exactly the rights
     * {@code access} whose last IOVA is at or below {@code limitIova} (unsigned), mapping it now if
     * there is none, with one reference for the caller. For memory an engine keeps (rings).
     *
     * @param location a location
     * @param pages the location's page-aligned memory
     * @param limitIova the highest IOVA the mapping may reach (unsigned; -1 for none)
     * @param access what the device does with the memory
     * @return the mapping, with a reference the caller releases
     * @throws IovaExhaustedException if no IOVA range fits under the limit, even after unmapping
     *                                the idle mappings there
     * @throws RuntimeException       if the domain refuses the mapping
     */
    public IovaMapping acquire(DmaLocation location, MemorySegment pages, long limitIova, DmaAccess access) {
        return acquire(location, pages, 0, pages.byteSize(), limitIova, access, false);
    }

    /**
     * Like {@link #acquire(DmaLocation, MemorySegment, long, DmaAccess)}, for one transfer over
     * {@code [offset, offset + lengthBytes)} of the location: if the whole location cannot be
     * mapped under the limit (it is larger than the space there, or that space is held by mappings
     * in use), only the pages of that range are mapped, as a window that is unmapped when the
     * last transfer using it releases it. Address the range with {@link IovaMapping#busAddress}.
     *
     * @param location a location
     * @param pages the location's page-aligned memory
     * @param offset the range's byte offset in the location
     * @param lengthBytes the range's length in bytes
     * @param limitIova the highest IOVA the mapping may reach (unsigned; -1 for none)
     * @param access what the device does with the memory
     * @return the mapping, with a reference the caller releases
     */
    public IovaMapping acquireRange(DmaLocation location, MemorySegment pages, long offset, long lengthBytes, long limitIova,
                                    DmaAccess access) {
        return acquire(location, pages, offset, lengthBytes, limitIova, access, true);
    }

    private IovaMapping acquire(DmaLocation location, MemorySegment pages, long offset, long lengthBytes, long limitIova,
                                DmaAccess access, boolean windowAllowed) {
        Objects.requireNonNull(access, "access");
        IovaMapping existing = findUsable(location, offset, lengthBytes, limitIova, access);
        if (existing != null) {
            return existing;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("IOMMU domain " + domain.name() + " is closed");
            }
            existing = findUsable(location, offset, lengthBytes, limitIova, access);
            if (existing != null) {
                return existing;
            }
            long page = domain.pageSizeBytes();
            long wholeBytes = pages.byteSize();
            if (pages.address() % page != 0 || wholeBytes % page != 0) {
                throw new IllegalArgumentException(location.describe() + ": pages at 0x" + Long.toHexString(pages.address())
                    + " length " + wholeBytes + " are not aligned to the IOMMU page size " + page);
            }
            if (offset < 0 || lengthBytes <= 0 || offset > wholeBytes - lengthBytes) {
                throw new IllegalArgumentException(location.describe() + ": range [" + offset + ", " + offset + " + "
                    + lengthBytes + ") is not inside its " + wholeBytes + " bytes of pages");
            }
            long windowStart = offset & -page;
            long windowBytes = ((offset + lengthBytes + page - 1) & -page) - windowStart;
            boolean window = false;
            long iova;
            if (domain.physical()) {
                long whole = physicalUnder(pages, limitIova);
                if (whole != -1) {
                    iova = whole;
                } else if (windowAllowed && windowBytes != wholeBytes) {
                    window = true; // the transfer's pages alone may be one run under the limit
                    iova = requirePhysicalUnder(location, pages.asSlice(windowStart, windowBytes), limitIova);
                } else {
                    iova = requirePhysicalUnder(location, pages, limitIova);
                }
            } else if (!windowAllowed || windowBytes == wholeBytes) {
                iova = allocateEvictingIdle(wholeBytes, limitIova);
            } else if (Long.compareUnsigned(wholeBytes, allocator.usableBytesAtOrBelow(limitIova)) > 0) {
                window = true; // the whole location can never fit under this limit
                iova = allocateEvictingIdle(windowBytes, limitIova);
            } else {
                try {
                    iova = allocateEvictingIdle(wholeBytes, limitIova);
                } catch (IovaExhaustedException heldByMappingsInUse) {
                    window = true;
                    iova = allocateEvictingIdle(windowBytes, limitIova);
                }
            }
            MemorySegment mapped = window ? pages.asSlice(windowStart, windowBytes) : pages;
            if (!domain.physical()) { // physical: nothing to map, the device reaches all memory
                try {
                    Object event = DmactlEvents.beginMap();
                    domain.map(mapped, iova, access);
                    DmactlEvents.mapped(event, domain, iova, mapped.byteSize(), access, location);
                } catch (RuntimeException e) {
                    allocator.free(iova, mapped.byteSize());
                    throw e;
                }
            }
            mapCount++;
            IovaMapping created = window
                ? new IovaMapping(this, location, iova, windowBytes, windowStart, false, access, 1) // the caller only
                : new IovaMapping(this, location, iova, wholeBytes, 0, true, access, 2); // registration + caller
            IovaMapping[] before = byLocation.getOrDefault(location, NONE);
            IovaMapping[] after = Arrays.copyOf(before, before.length + 1);
            after[before.length] = created;
            byLocation.put(location, after);
            return created;
        }
    }

    /**
     * Drops the location's registration reference on all its mappings (the location is closing).
     *
     * @param location a location
     */
    public void forget(DmaLocation location) {
        List<IovaMapping> toDrop = new ArrayList<>();
        synchronized (lock) {
            for (IovaMapping m : byLocation.getOrDefault(location, NONE)) {
                if (m.registered) {
                    m.registered = false;
                    toDrop.add(m);
                }
            }
        }
        for (IovaMapping m : toDrop) {
            release(m);
        }
    }

    /**
     * The lowest IOVA (unsigned) at which all of the location is mapped in this domain, if it is.
     *
     * @param location a location
     * @return the IOVA, or empty
     */
    public OptionalLong iovaOf(DmaLocation location) {
        return iovaOf(location, -1L);
    }

    /**
     * The lowest IOVA (unsigned) of a mapping of all of the location that ends at or below {@code limitIova}.
     *
     * @param location a location
     * @param limitIova the highest IOVA the mapping may reach (unsigned; -1 for none)
     * @return the IOVA, or empty
     */
    public OptionalLong iovaOf(DmaLocation location, long limitIova) {
        IovaMapping[] list = byLocation.get(location);
        if (list == null) {
            return OptionalLong.empty();
        }
        long lowest = -1L;
        boolean found = false;
        for (IovaMapping m : list) {
            if (m.wholeLocation() && Long.compareUnsigned(m.lastIova(), limitIova) <= 0) {
                found = true;
                lowest = Long.compareUnsigned(m.iova(), lowest) < 0 ? m.iova() : lowest;
            }
        }
        return found ? OptionalLong.of(lowest) : OptionalLong.empty();
    }

    /**
     * The location's live mappings in this domain (a snapshot, for diagnostics and tests).
     *
     * @param location a location
     * @return the mappings
     */
    public List<IovaMapping> mappingsOf(DmaLocation location) {
        return List.of(byLocation.getOrDefault(location, NONE));
    }

    /**
     * Number of live mappings.
     *
     * @return the count
     */
    public int size() {
        int total = 0;
        for (IovaMapping[] list : byLocation.values()) {
            total += list.length;
        }
        return total;
    }

    /**
     * The IOMMU map calls made so far.
     *
     * @return the count
     */
    public long mapCount() {
        synchronized (lock) {
            return mapCount;
        }
    }

    /**
     * The IOMMU unmap calls made so far.
     *
     * @return the count
     */
    public long unmapCount() {
        synchronized (lock) {
            return unmapCount;
        }
    }

    /**
     * Idle mappings unmapped to make room for a new one (each also counts in {@link #unmapCount}).
     *
     * @return the count
     */
    public long evictionCount() {
        synchronized (lock) {
            return evictionCount;
        }
    }

    void release(IovaMapping mapping) {
        if (mapping.dropReference() > 0) {
            return;
        }
        synchronized (lock) {
            if (remove(mapping)) {
                unmapNow(mapping);
            } // else already removed by close()
        }
    }

    /** Unmaps everything still mapped (runtime close, after every engine stopped). Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            RuntimeException first = null;
            for (IovaMapping[] list : byLocation.values()) {
                for (IovaMapping m : list) {
                    try {
                        unmapNow(m);
                    } catch (RuntimeException e) {
                        if (first == null) {
                            first = e;
                        }
                    }
                }
            }
            byLocation.clear();
            if (first != null) {
                throw first;
            }
        }
    }

    /**
     * Allocates under the limit; when nothing fits, unmaps idle mappings that reach into the space
     * under the limit, largest first, until it does. Caller holds the lock.
     */
    private long allocateEvictingIdle(long lengthBytes, long limitIova) {
        try {
            return allocator.allocate(lengthBytes, domain.pageSizeBytes(), limitIova);
        } catch (IovaExhaustedException exhausted) {
            List<IovaMapping> idle = new ArrayList<>();
            for (IovaMapping[] list : byLocation.values()) {
                for (IovaMapping m : list) {
                    if (m.registered && m.references() == 1 && Long.compareUnsigned(m.iova(), limitIova) <= 0) {
                        idle.add(m);
                    }
                }
            }
            idle.sort(Comparator.comparingLong(IovaMapping::lengthBytes).reversed());
            for (IovaMapping m : idle) {
                if (!m.tryRetire()) {
                    continue; // a transfer took it since the scan
                }
                m.registered = false;
                remove(m);
                unmapNow(m);
                evictionCount++;
                try {
                    return allocator.allocate(lengthBytes, domain.pageSizeBytes(), limitIova);
                } catch (IovaExhaustedException stillFull) {
                    exhausted = stillFull;
                }
            }
            throw exhausted;
        }
    }

    /** Takes the mapping out of its location's list; false if it is not there. Caller holds the lock. */
    private boolean remove(IovaMapping mapping) {
        IovaMapping[] before = byLocation.getOrDefault(mapping.location(), NONE);
        int at = -1;
        for (int i = 0; i < before.length; i++) {
            if (before[i] == mapping) {
                at = i;
            }
        }
        if (at < 0) {
            return false;
        }
        if (before.length == 1) {
            byLocation.remove(mapping.location());
        } else {
            IovaMapping[] after = new IovaMapping[before.length - 1];
            System.arraycopy(before, 0, after, 0, at);
            System.arraycopy(before, at + 1, after, at, before.length - at - 1);
            byLocation.put(mapping.location(), after);
        }
        return true;
    }

    /** The physical address of all of {@code pages} if it is one run ending at or below the limit, else -1. */
    private long physicalUnder(MemorySegment pages, long limitIova) {
        long address;
        try {
            address = domain.physicalAddress(pages);
        } catch (IllegalStateException notOneRun) {
            return -1;
        }
        return Long.compareUnsigned(address + pages.byteSize() - 1, limitIova) <= 0 ? address : -1;
    }

    /** {@link #physicalUnder}, or the reason it is not: not one physical run, or above the engine's DMA limit. */
    private long requirePhysicalUnder(DmaLocation location, MemorySegment pages, long limitIova) {
        long address = domain.physicalAddress(pages); // throws with the reason when not one run
        long last = address + pages.byteSize() - 1;
        if (Long.compareUnsigned(last, limitIova) > 0) {
            throw new IllegalStateException(location.describe() + ": its pages are at physical 0x" + Long.toHexString(address)
                + "..0x" + Long.toHexString(last) + ", above the engine's DMA limit 0x" + Long.toHexString(limitIova)
                + "; without an IOMMU they cannot be remapped lower: give the process memory below the limit "
                + "(fewer GiB of RAM, hugepages reserved at boot) or use an engine with a wider DMA mask");
        }
        return address;
    }

    private void unmapNow(IovaMapping mapping) {
        if (domain.physical()) {
            unmapCount++; // nothing was mapped and no IOVA allocated
            return;
        }
        Object event = DmactlEvents.beginUnmap();
        domain.unmap(mapping.iova(), mapping.lengthBytes());
        DmactlEvents.unmapped(event, domain, mapping.iova(), mapping.lengthBytes());
        unmapCount++;
        // Only after a successful unmap: an IOVA that may still be mapped must never be handed out again.
        allocator.free(mapping.iova(), mapping.lengthBytes());
    }

    private IovaMapping findUsable(DmaLocation location, long offset, long lengthBytes, long limitIova, DmaAccess access) {
        IovaMapping[] list = byLocation.get(location);
        if (list != null) {
            for (IovaMapping m : list) {
                if (m.access() == access && m.covers(offset, lengthBytes) && Long.compareUnsigned(m.lastIova(), limitIova) <= 0
                    && m.tryRetain()) {
                    return m;
                }
            }
        }
        return null;
    }
}
