package io.dmactl.core.memory;

import io.dmactl.core.location.DmaLocation;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mappings of one IOMMU domain: each location is mapped once (per DMA-mask class: a location
 * already mapped above a new user's mask gets a second, lower mapping) and shared by every engine
 * of the domain. Lookups are lock-free; mapping and unmapping take a lock (control path, they
 * issue ioctls).
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

    public IovaMappings(IommuDomain domain) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.allocator = new IovaAllocator(domain.validIovaRanges(), domain.pageSizeBytes());
    }

    public IommuDomain domain() {
        return domain;
    }

    public IovaAllocator allocator() {
        return allocator;
    }

    /**
     * Returns a mapping of {@code location}'s {@code pages} whose last IOVA is at or below
     * {@code limitIova}, mapping it now if there is none, with one reference for the caller.
     *
     * @throws IovaExhaustedException if no IOVA range fits under the limit
     * @throws RuntimeException       if the domain refuses the mapping
     */
    public IovaMapping acquire(DmaLocation location, MemorySegment pages, long limitIova) {
        IovaMapping existing = findUsable(location, limitIova);
        if (existing != null) {
            return existing;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("IOMMU domain " + domain.name() + " is closed");
            }
            existing = findUsable(location, limitIova);
            if (existing != null) {
                return existing;
            }
            long page = domain.pageSizeBytes();
            if (pages.address() % page != 0 || pages.byteSize() % page != 0) {
                throw new IllegalArgumentException(location.describe() + ": pages at 0x" + Long.toHexString(pages.address())
                    + " length " + pages.byteSize() + " are not aligned to the IOMMU page size " + page);
            }
            long iova = allocator.allocate(pages.byteSize(), page, limitIova);
            try {
                domain.map(pages, iova, DmaAccess.DEVICE_READS_AND_WRITES);
            } catch (RuntimeException e) {
                allocator.free(iova, pages.byteSize());
                throw e;
            }
            mapCount++;
            IovaMapping created = new IovaMapping(this, location, iova, pages.byteSize(), 2); // registration + caller
            IovaMapping[] before = byLocation.getOrDefault(location, NONE);
            IovaMapping[] after = java.util.Arrays.copyOf(before, before.length + 1);
            after[before.length] = created;
            byLocation.put(location, after);
            return created;
        }
    }

    /** Drops the location's registration reference on all its mappings (the location is closing). */
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

    /** The lowest IOVA at which the location is mapped in this domain, if any. */
    public OptionalLong iovaOf(DmaLocation location) {
        IovaMapping[] list = byLocation.get(location);
        if (list == null || list.length == 0) {
            return OptionalLong.empty();
        }
        long lowest = Long.MAX_VALUE;
        for (IovaMapping m : list) {
            lowest = Math.min(lowest, m.iova());
        }
        return OptionalLong.of(lowest);
    }

    /** Number of live mappings. */
    public int size() {
        int total = 0;
        for (IovaMapping[] list : byLocation.values()) {
            total += list.length;
        }
        return total;
    }

    public long mapCount() {
        synchronized (lock) {
            return mapCount;
        }
    }

    public long unmapCount() {
        synchronized (lock) {
            return unmapCount;
        }
    }

    void release(IovaMapping mapping) {
        if (mapping.dropReference() > 0) {
            return;
        }
        synchronized (lock) {
            IovaMapping[] before = byLocation.getOrDefault(mapping.location(), NONE);
            int at = -1;
            for (int i = 0; i < before.length; i++) {
                if (before[i] == mapping) {
                    at = i;
                }
            }
            if (at < 0) {
                return; // already removed by close()
            }
            if (before.length == 1) {
                byLocation.remove(mapping.location());
            } else {
                IovaMapping[] after = new IovaMapping[before.length - 1];
                System.arraycopy(before, 0, after, 0, at);
                System.arraycopy(before, at + 1, after, at, before.length - at - 1);
                byLocation.put(mapping.location(), after);
            }
            unmapNow(mapping);
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

    private void unmapNow(IovaMapping mapping) {
        domain.unmap(mapping.iova(), mapping.lengthBytes());
        unmapCount++;
        // Only after a successful unmap: an IOVA that may still be mapped must never be handed out again.
        allocator.free(mapping.iova(), mapping.lengthBytes());
    }

    private IovaMapping findUsable(DmaLocation location, long limitIova) {
        IovaMapping[] list = byLocation.get(location);
        if (list != null) {
            for (IovaMapping m : list) {
                if (m.lastIova() <= limitIova && m.tryRetain()) {
                    return m;
                }
            }
        }
        return null;
    }
}
