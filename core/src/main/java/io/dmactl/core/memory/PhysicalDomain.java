package io.dmactl.core.memory;

import io.dmactl.vfio.Pagemap;
import io.dmactl.vfio.VfioDevice;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * No IOMMU (UIO): a device's bus addresses are physical addresses, and it can reach all of
 * memory. Nothing is ever mapped; {@link IovaMappings} takes each range's physical address from
 * here: host pages from {@code /proc/self/pagemap} (they must be locked or hugepages, which the
 * runtime's page sources are, and one physical run), another device's BAR from its sysfs
 * {@code resource} window (peer to peer). Only built behind the user's explicit opt-in.
 */
public final class PhysicalDomain implements IommuDomain {
    private static final long PAGE_BYTES = Pagemap.PAGE_BYTES;

    private final Pagemap pagemap;
    private final List<VfioDevice> devices = new CopyOnWriteArrayList<>();

    /**
     * A domain where bus addresses are physical, read from {@code pagemap}.
     *
     * @param pagemap where physical addresses come from
     */
    public PhysicalDomain(Pagemap pagemap) {
        this.pagemap = Objects.requireNonNull(pagemap, "pagemap");
    }

    /**
     * Makes the BARs this device maps reachable by physical address (peer to peer).
     *
     * @param device a device opened through UIO
     */
    public void addDevice(VfioDevice device) {
        devices.add(Objects.requireNonNull(device, "device"));
    }

    @Override
    public String name() {
        return "no IOMMU (physical addresses, UIO)";
    }

    /** Any physical address; the engine's DMA limit is checked on each range's real address. */
    @Override
    public List<IovaRange> validIovaRanges() {
        return List.of(new IovaRange(0, -1L >>> 12));
    }

    @Override
    public long pageSizeBytes() {
        return PAGE_BYTES;
    }

    /** A BAR's physical address is in sysfs, so peer to peer needs nothing mapped. */
    @Override
    public boolean mapsDeviceMemory() {
        return true;
    }

    @Override
    public boolean physical() {
        return true;
    }

    @Override
    public long physicalAddress(MemorySegment pages) {
        for (VfioDevice device : devices) {
            OptionalLong bar = device.barPhysicalAddress(pages.address());
            if (bar.isPresent()) {
                OptionalLong last = device.barPhysicalAddress(pages.address() + pages.byteSize() - 1);
                if (last.isEmpty() || last.getAsLong() - bar.getAsLong() != pages.byteSize() - 1) {
                    throw new IllegalStateException("0x" + Long.toHexString(pages.address()) + " length " + pages.byteSize()
                        + " runs past the BAR of " + device.pciAddress() + " it starts in");
                }
                return bar.getAsLong();
            }
        }
        return pagemap.contiguousPhysicalAddress(pages.address(), pages.byteSize());
    }

    /** Never called: {@link IovaMappings} maps nothing in a physical domain. */
    @Override
    public void map(MemorySegment segment, long iova, DmaAccess access) {
        throw new UnsupportedOperationException(name() + ": nothing is mapped without an IOMMU");
    }

    @Override
    public void unmap(long iova, long lengthBytes) {
    }

    @Override
    public void close() {
        devices.clear();
    }
}
