package io.dmactl.core.sim;

import io.dmactl.core.memory.DmaAccess;
import io.dmactl.core.memory.IommuDomain;
import io.dmactl.core.memory.IovaRange;
import io.dmactl.core.spi.EngineContext;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An IOMMU in memory, for tests: remembers IOVA → segment mappings with their access rights and
 * translates device accesses like the hardware would (a miss or a forbidden write is a fault).
 * Refuses overlapping maps and unmaps of ranges that are not mapped, as VFIO does.
 */
public final class FakeIommuDomain implements IommuDomain {

    /**
     * The emulated domain of an engine's context (the runtime's, a standalone one), for device
     * models outside the core: the SPI tells providers only whether there is a domain.
     *
     * @throws IllegalStateException if the context has no domain or it is not a FakeIommuDomain
     */
    public static FakeIommuDomain of(EngineContext context) {
        IommuDomain domain = IommuDomain.of(context).orElseThrow(() -> new IllegalStateException(
            context.engineName() + " has no emulated IOMMU domain (DmaRuntime.Builder.emulatedIommu)"));
        if (!(domain instanceof FakeIommuDomain fake)) {
            throw new IllegalStateException(context.engineName() + " needs a FakeIommuDomain, got " + domain.name());
        }
        return fake;
    }
    /** The x86 ranges with the MSI window 0xfee00000..0xfeefffff cut out, 39-bit space. */
    public static final List<IovaRange> X86_RANGES = List.of(
        new IovaRange(0, 0xfedf_ffffL), new IovaRange(0xfef0_0000L, (1L << 39) - 1));

    private final String name;
    private final List<IovaRange> ranges;
    private final TreeMap<Long, Mapping> mappings = new TreeMap<>();
    private final boolean mapsDeviceMemory;
    private long mapCalls;
    private long unmapCalls;
    private boolean closed;

    public FakeIommuDomain(String name) {
        this(name, X86_RANGES, true);
    }

    public FakeIommuDomain(String name, List<IovaRange> ranges, boolean mapsDeviceMemory) {
        this.name = name;
        this.ranges = List.copyOf(ranges);
        this.mapsDeviceMemory = mapsDeviceMemory;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<IovaRange> validIovaRanges() {
        return ranges;
    }

    @Override
    public long pageSizeBytes() {
        return 4096;
    }

    @Override
    public boolean mapsDeviceMemory() {
        return mapsDeviceMemory;
    }

    @Override
    public synchronized void map(MemorySegment segment, long iova, DmaAccess access) {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        long length = segment.byteSize();
        if (iova % 4096 != 0 || length % 4096 != 0 || segment.address() % 4096 != 0 || length == 0) {
            throw new IllegalArgumentException("unaligned map of " + length + " bytes at IOVA 0x" + Long.toHexString(iova));
        }
        boolean valid = false;
        for (IovaRange r : ranges) {
            valid |= r.contains(iova) && r.contains(iova + length - 1);
        }
        if (!valid) {
            throw new IllegalArgumentException("IOVA 0x" + Long.toHexString(iova) + "+" + length + " outside valid ranges " + ranges);
        }
        Map.Entry<Long, Mapping> below = mappings.floorEntry(iova + length - 1);
        if (below != null && below.getKey() + below.getValue().segment.byteSize() > iova) {
            throw new IllegalStateException("IOVA 0x" + Long.toHexString(iova) + " overlaps an existing mapping (EEXIST)");
        }
        mappings.put(iova, new Mapping(segment, access));
        mapCalls++;
    }

    @Override
    public synchronized void unmap(long iova, long lengthBytes) {
        Mapping m = mappings.get(iova);
        if (m == null || m.segment.byteSize() != lengthBytes) {
            throw new IllegalStateException("no mapping of " + lengthBytes + " bytes at IOVA 0x" + Long.toHexString(iova));
        }
        mappings.remove(iova);
        unmapCalls++;
    }

    /**
     * What a device access sees: the memory behind {@code [iova, iova + lengthBytes)}, or null for
     * an IOMMU fault (unmapped, crossing mappings, or a write to a read-only mapping).
     */
    public synchronized MemorySegment translate(long iova, long lengthBytes, boolean deviceWrites) {
        Map.Entry<Long, Mapping> e = mappings.floorEntry(iova);
        if (e == null || lengthBytes <= 0) {
            return null;
        }
        long offset = iova - e.getKey();
        Mapping m = e.getValue();
        if (offset + lengthBytes > m.segment.byteSize() || offset < 0) {
            return null;
        }
        if (deviceWrites ? !m.access.deviceWrites() : !m.access.deviceReads()) {
            return null;
        }
        return m.segment.asSlice(offset, lengthBytes);
    }

    /** One live mapping as the IOMMU holds it: IOVA, length, the CPU address of its memory, the device's rights. */
    public record MappedRange(long iova, long lengthBytes, long address, DmaAccess access) {
        public long lastIova() {
            return iova + lengthBytes - 1;
        }
    }

    /** The live mappings, by IOVA. */
    public synchronized List<MappedRange> mappings() {
        List<MappedRange> out = new java.util.ArrayList<>();
        for (Map.Entry<Long, Mapping> e : mappings.entrySet()) {
            out.add(new MappedRange(e.getKey(), e.getValue().segment.byteSize(), e.getValue().segment.address(), e.getValue().access));
        }
        return out;
    }

    /** The live mappings of the memory that starts at CPU address {@code address}. */
    public List<MappedRange> mappingsOf(long address) {
        return mappings().stream().filter(m -> m.address() == address).toList();
    }

    public synchronized int mappingCount() {
        return mappings.size();
    }

    public synchronized long mapCalls() {
        return mapCalls;
    }

    public synchronized long unmapCalls() {
        return unmapCalls;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private record Mapping(MemorySegment segment, DmaAccess access) {
    }
}
