package io.dmactl.core.memory;

import io.dmactl.core.location.DmaLocation;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One live IOMMU mapping of a location's pages in one domain, with the device's access rights,
 * reference-counted. Usually it covers all of the location's pages and its holders are the
 * location's registration in the domain (dropped when the location closes, or when the mapping is
 * evicted while idle) and every transfer in flight that uses it. A <i>window</i> covers only the
 * pages of one transfer (for a location too large for a narrow engine's space), has no
 * registration and lives only while transfers use it. The pages are unmapped when the count
 * reaches zero.
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
    /** Where in the location's pages the mapping starts: 0, or a window's first page. */
    private final long locationOffset;
    private final boolean wholeLocation;
    private final DmaAccess access;
    @SuppressWarnings("unused") // accessed through REFS
    private volatile int refs;
    /** Guarded by the table's lock: the registration reference has not been dropped yet (never set for a window). */
    boolean registered;

    IovaMapping(IovaMappings table, DmaLocation location, long iova, long lengthBytes, long locationOffset,
                boolean wholeLocation, DmaAccess access, int initialRefs) {
        this.table = table;
        this.location = location;
        this.iova = iova;
        this.lengthBytes = lengthBytes;
        this.locationOffset = locationOffset;
        this.wholeLocation = wholeLocation;
        this.registered = wholeLocation;
        this.access = access;
        this.refs = initialRefs;
    }

    /**
     * IOVA of the first mapped byte: the location's first byte, or a window's first page.
     *
     * @return the first IOVA
     */
    public long iova() {
        return iova;
    }

    /**
     * The bus address of byte {@code offset} of the location; the caller checked {@link #covers}.
     *
     * @param offset a byte offset in the location
     * @return the bus address
     */
    public long busAddress(long offset) {
        return iova + (offset - locationOffset);
    }

    /**
     * Whether {@code [offset, offset + lengthBytes)} of the location lies inside this mapping.
     *
     * @param offset a byte offset in the location
     * @param lengthBytes a length in bytes
     * @return true if covered
     */
    public boolean covers(long offset, long lengthBytes) {
        return offset >= locationOffset && offset - locationOffset <= this.lengthBytes - lengthBytes;
    }

    /**
     * Where in the location's pages the mapping starts (0 unless it is a window).
     *
     * @return the byte offset in the location's pages
     */
    public long locationOffset() {
        return locationOffset;
    }

    /**
     * False for a window over one transfer's pages.
     *
     * @return true if it maps all of the location
     */
    public boolean wholeLocation() {
        return wholeLocation;
    }

    /**
     * IOVA of the last mapped byte.
     *
     * @return the last IOVA
     */
    public long lastIova() {
        return iova + lengthBytes - 1;
    }

    /**
     * The mapping's length in bytes.
     *
     * @return the length in bytes
     */
    public long lengthBytes() {
        return lengthBytes;
    }

    /**
     * The location mapped.
     *
     * @return the location
     */
    public DmaLocation location() {
        return location;
    }

    /**
     * What the device may do through this mapping.
     *
     * @return the access
     */
    public DmaAccess access() {
        return access;
    }

    /**
     * The references held on the mapping: one per transfer using it, plus the location's registration.
     *
     * @return the count
     */
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
        return location.name() + " @ IOVA 0x" + Long.toHexString(iova) + " (" + lengthBytes + " bytes" + (wholeLocation ? "" : " from offset " + locationOffset) + ", " + access + ", "
            + refs + " refs)";
    }
}
