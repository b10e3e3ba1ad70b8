package io.dmactl.core.memory;

import io.dmactl.core.location.DmaLocation;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One live IOMMU mapping of a location's pages in one domain, with the device's access rights,
 * reference-counted. Holders are the location's registration in the domain (dropped when the
 * location closes, or when the mapping is evicted while idle) and every transfer in flight that
 * uses it. The pages are unmapped when the count reaches zero.
 */
public final class IovaMapping {
    private static final VarHandle REFS;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(IovaMapping.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final IovaMappings table;
    private final DmaLocation location;
    private final long iova;
    private final long lengthBytes;
    private final DmaAccess access;
    @SuppressWarnings("unused") // accessed through REFS
    private volatile int refs;
    /** Guarded by the table's lock: the registration reference has not been dropped yet. */
    boolean registered = true;

    IovaMapping(IovaMappings table, DmaLocation location, long iova, long lengthBytes, DmaAccess access, int initialRefs) {
        this.table = table;
        this.location = location;
        this.iova = iova;
        this.lengthBytes = lengthBytes;
        this.access = access;
        this.refs = initialRefs;
    }

    /** IOVA of the first byte of the location's pages. */
    public long iova() {
        return iova;
    }

    /** IOVA of the last mapped byte. */
    public long lastIova() {
        return iova + lengthBytes - 1;
    }

    public long lengthBytes() {
        return lengthBytes;
    }

    public DmaLocation location() {
        return location;
    }

    /** What the device may do through this mapping. */
    public DmaAccess access() {
        return access;
    }

    public int references() {
        return refs;
    }

    /** Drops one reference; the last one unmaps. */
    public void release() {
        table.release(this);
    }

    /** Adds a reference unless the mapping already died. */
    boolean tryRetain() {
        while (true) {
            int current = refs;
            if (current <= 0) {
                return false;
            }
            if (REFS.compareAndSet(this, current, current + 1)) {
                return true;
            }
        }
    }

    /**
     * Kills the mapping if the registration is its only reference (no transfer uses it), so no
     * {@link #tryRetain} can succeed any more. The caller holds the table's lock and checked
     * {@link #registered}.
     */
    boolean tryRetire() {
        return REFS.compareAndSet(this, 1, 0);
    }

    /** @return references left */
    int dropReference() {
        int left = (int) REFS.getAndAdd(this, -1) - 1;
        if (left < 0) {
            throw new IllegalStateException("IOVA mapping 0x" + Long.toHexString(iova) + " of " + location.describe()
                + " released more often than acquired");
        }
        return left;
    }

    @Override
    public String toString() {
        return location.name() + " @ IOVA 0x" + Long.toHexString(iova) + " (" + lengthBytes + " bytes, " + access + ", " + refs + " refs)";
    }
}
