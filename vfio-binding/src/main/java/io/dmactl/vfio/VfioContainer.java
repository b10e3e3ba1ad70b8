package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;
import io.dmactl.vfio.ffi.vfio_iommu_type1_dma_map;
import io.dmactl.vfio.ffi.vfio_iommu_type1_dma_unmap;
import io.dmactl.vfio.ffi.vfio_iommu_type1_info;
import io.dmactl.vfio.ffi.vfio_iommu_type1_info_cap_iova_range;
import io.dmactl.vfio.ffi.vfio_iommu_type1_info_dma_avail;
import io.dmactl.vfio.ffi.vfio_iova_range;
import io.dmactl.vfio.ffi.vfio_group_status;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A VFIO container ({@code /dev/vfio/vfio}): one IOMMU domain, shared by the groups attached
 * to it, with the type1v2 IOMMU driver.
 *
 * <p>Lifecycle, as the kernel requires it:
 * <pre>
 *   open()                 container fd; API version and type1v2 extension checked
 *   attachGroup(n)         group fd; viability checked; group joins the container;
 *                          the first group also sets the IOMMU type (type1v2)
 *   group.openDevice(bdf)  device fd
 *   mapDma / unmapDma      IOVA -> host memory in the IOMMU, for every device of the container
 *   close()                devices, then remaining DMA mappings, then groups, then the container
 * </pre>
 * Control-path methods are synchronized; the container is safe to share between threads.
 */
public final class VfioContainer implements AutoCloseable {
    private static final String CONTAINER_PATH = "/dev/vfio/vfio";
    private static final Path SYSFS = Path.of("/sys");

    private final int fd;
    private final List<VfioGroup> groups = new ArrayList<>();
    // Keyed by IOVA, compared unsigned: IOVAs are bus addresses, not signed numbers.
    private final TreeMap<Long, DmaMapping> mappings = new TreeMap<>(Long::compareUnsigned);
    private boolean iommuSet;
    private boolean closed;

    private record DmaMapping(long iova, long lengthBytes, long hostAddress) {
        long lastIova() {
            return iova + lengthBytes - 1;
        }
    }

    /** Wraps an open container fd; {@link #open()} checks it first (tests wrap a stand-in fd). */
    VfioContainer(int fd) {
        this.fd = fd;
    }

    /**
     * Opens a new container and checks that the kernel speaks VFIO API version
     * {@code VFIO_API_VERSION} and supports the type1v2 IOMMU.
     *
     * @return the container; close it after its groups
     * @throws NativeCallException if /dev/vfio/vfio cannot be opened (module not loaded, no permission)
     * @throws VfioException       if the API version or the extension is wrong
     */
    public static VfioContainer open() {
        int fd = LibC.open(CONTAINER_PATH, Native.O_RDWR() | Native.O_CLOEXEC());
        try {
            int version = LibC.ioctl(fd, VfioIoctl.VFIO_GET_API_VERSION, CONTAINER_PATH, 0L);
            if (version != Native.VFIO_API_VERSION()) {
                throw new VfioException(CONTAINER_PATH + " speaks VFIO API version " + version + ", dmactl needs "
                        + Native.VFIO_API_VERSION());
            }
            int type1v2 = LibC.ioctl(fd, VfioIoctl.VFIO_CHECK_EXTENSION, CONTAINER_PATH,
                    (long) Native.VFIO_TYPE1v2_IOMMU());
            if (type1v2 != 1) {
                throw new VfioException(CONTAINER_PATH + " does not support the type1v2 IOMMU (VFIO_TYPE1v2_IOMMU): "
                        + "load vfio_iommu_type1 ('modprobe vfio_iommu_type1') and enable the IOMMU "
                        + "(intel_iommu=on or amd_iommu=on on the kernel command line)");
            }
            return new VfioContainer(fd);
        } catch (RuntimeException | Error e) {
            closeQuietly(fd, CONTAINER_PATH, e);
            throw e;
        }
    }

    /**
     * Attaches IOMMU group {@code groupNumber} ({@code /dev/vfio/N}) to this container.
     * The first attached group also sets the container's IOMMU type (type1v2).
     *
     * @param groupNumber the group number N of {@code /dev/vfio/N}
     * @return the attached group
     * @throws IllegalArgumentException if the number is negative or the group is already attached
     * @throws VfioException            if the group is not viable (a device in it is bound to a host driver)
     * @throws NativeCallException      if opening or attaching fails (e.g. EPERM without interrupt remapping)
     */
    public synchronized VfioGroup attachGroup(int groupNumber) {
        checkOpen();
        if (groupNumber < 0) {
            throw new IllegalArgumentException("IOMMU group number " + groupNumber + " is negative");
        }
        for (VfioGroup group : groups) {
            if (group.number() == groupNumber) {
                throw new IllegalArgumentException("IOMMU group " + groupNumber + " is already attached to this container");
            }
        }
        String path = "/dev/vfio/" + groupNumber;
        int groupFd = LibC.open(path, Native.O_RDWR() | Native.O_CLOEXEC());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = vfio_group_status.allocate(arena);
            vfio_group_status.argsz(status, (int) vfio_group_status.sizeof());
            LibC.ioctl(groupFd, VfioIoctl.VFIO_GROUP_GET_STATUS, path, status);
            if ((vfio_group_status.flags(status) & Native.VFIO_GROUP_FLAGS_VIABLE()) == 0) {
                throw new VfioException("IOMMU group " + groupNumber + " (" + path + ") is not viable: bind every device"
                        + " of the group to vfio-pci (or leave it without a driver); the group's devices ("
                        + IommuGroupMembers.devicesDir(SYSFS, groupNumber) + "): "
                        + String.join(", ", IommuGroupMembers.describe(SYSFS, groupNumber)));
            }
            MemorySegment containerFd = arena.allocateFrom(ValueLayout.JAVA_INT, fd);
            LibC.ioctl(groupFd, VfioIoctl.VFIO_GROUP_SET_CONTAINER, path, containerFd);
            if (!iommuSet) {
                LibC.ioctl(fd, VfioIoctl.VFIO_SET_IOMMU, CONTAINER_PATH, (long) Native.VFIO_TYPE1v2_IOMMU());
                iommuSet = true;
            }
            VfioGroup group = new VfioGroup(this, groupNumber, groupFd, path);
            groups.add(group);
            return group;
        } catch (RuntimeException | Error e) {
            // Closing the group fd also takes it out of the container again.
            closeQuietly(groupFd, path, e);
            throw e;
        }
    }

    /**
     * The IOMMU's page sizes, valid IOVA ranges and remaining mapping count.
     *
     * @return the IOMMU's information
     * @throws IllegalStateException if no group is attached yet (the IOMMU type is set with the first group)
     */
    public synchronized IommuInfo iommuInfo() {
        checkOpen();
        if (!iommuSet) {
            throw new IllegalStateException("no IOMMU yet: attach a group first (the first group sets the IOMMU type)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = queryIommuInfo(arena, vfio_iommu_type1_info.sizeof());
            long neededBytes = Integer.toUnsignedLong(vfio_iommu_type1_info.argsz(info));
            if (neededBytes > info.byteSize()) {
                // The capabilities did not fit: the kernel told us how much room they need.
                info = queryIommuInfo(arena, neededBytes);
            }
            return parseIommuInfo(info, arena);
        }
    }

    private MemorySegment queryIommuInfo(Arena arena, long sizeBytes) {
        MemorySegment info = arena.allocate(sizeBytes, Long.BYTES);
        vfio_iommu_type1_info.argsz(info, (int) sizeBytes);
        LibC.ioctl(fd, VfioIoctl.VFIO_IOMMU_GET_INFO, CONTAINER_PATH, info);
        return info;
    }

    private static IommuInfo parseIommuInfo(MemorySegment info, Arena arena) {
        int flags = vfio_iommu_type1_info.flags(info);
        long pageSizes = (flags & Native.VFIO_IOMMU_INFO_PGSIZES()) != 0 ? vfio_iommu_type1_info.iova_pgsizes(info) : 0;
        List<IovaRange> ranges = new ArrayList<>();
        OptionalLong available = OptionalLong.empty();
        if ((flags & Native.VFIO_IOMMU_INFO_CAPS()) != 0) {
            for (int offset : CapabilityChain.offsets(info, vfio_iommu_type1_info.cap_offset(info), CONTAINER_PATH)) {
                int id = CapabilityChain.id(info, offset);
                if (id == Native.VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE()) {
                    ranges.addAll(parseIovaRanges(CapabilityChain.alignedCopy(info, offset, arena)));
                } else if (id == Native.VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL()) {
                    MemorySegment cap = CapabilityChain.alignedCopy(info, offset, arena);
                    available = OptionalLong.of(Integer.toUnsignedLong(vfio_iommu_type1_info_dma_avail.avail(cap)));
                }
            }
        }
        return new IommuInfo(pageSizes, ranges, available);
    }

    private static List<IovaRange> parseIovaRanges(MemorySegment cap) {
        int count = vfio_iommu_type1_info_cap_iova_range.nr_iovas(cap);
        long first = vfio_iommu_type1_info_cap_iova_range.iova_ranges$offset();
        long rangeBytes = vfio_iova_range.sizeof();
        if (count < 0 || first + count * rangeBytes > cap.byteSize()) {
            throw new VfioException("corrupt IOVA range capability from " + CONTAINER_PATH + ": " + count + " ranges");
        }
        List<IovaRange> ranges = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            MemorySegment range = cap.asSlice(first + i * rangeBytes, rangeBytes);
            ranges.add(new IovaRange(vfio_iova_range.start(range), vfio_iova_range.end(range)));
        }
        return ranges;
    }

    /**
     * Maps {@code hostMemory} at {@code iova} in this container's IOMMU ({@code VFIO_IOMMU_MAP_DMA}):
     * from then on every device of the container reaches those bytes at that IOVA. The kernel
     * pins the pages until {@link #unmapDma} or {@link #close()}.
     *
     * @param hostMemory   page-aligned native memory, a whole number of pages: a {@link HostPages} segment,
     *                     or an mmapped BAR ({@link VfioDevice#mapRegion}) for peer-to-peer DMA
     * @param iova         where the devices see it; page-aligned, inside {@link IommuInfo#validIovaRanges()}
     * @param deviceReads  devices may read it (memory -> device)
     * @param deviceWrites devices may write it (device -> memory)
     * @throws IllegalArgumentException for bad input (alignment, range, overlap), before any mapping is made
     */
    public synchronized void mapDma(MemorySegment hostMemory, long iova, boolean deviceReads, boolean deviceWrites) {
        checkOpen();
        Objects.requireNonNull(hostMemory, "hostMemory");
        if (!iommuSet) {
            throw new IllegalStateException("no IOMMU yet: attach a group before mapping DMA");
        }
        long lengthBytes = hostMemory.byteSize();
        long pageBytes = HostPages.pageSizeBytes();
        if (!hostMemory.isNative() || !hostMemory.scope().isAlive()) {
            throw new IllegalArgumentException("hostMemory " + hostMemory + " is not live native memory");
        }
        if (hostMemory.address() % pageBytes != 0 || lengthBytes <= 0 || lengthBytes % pageBytes != 0) {
            throw new IllegalArgumentException("hostMemory at 0x" + Long.toHexString(hostMemory.address()) + " of "
                    + lengthBytes + " bytes is not a whole number of " + pageBytes + "-byte pages");
        }
        if (iova % pageBytes != 0) {
            throw new IllegalArgumentException("iova 0x" + Long.toHexString(iova) + " is not aligned to the "
                    + pageBytes + "-byte page size");
        }
        if (!deviceReads && !deviceWrites) {
            throw new IllegalArgumentException("a DMA mapping must let devices read or write (or both); both are false");
        }
        DmaMapping mapping = new DmaMapping(iova, lengthBytes, hostMemory.address());
        if (Long.compareUnsigned(mapping.lastIova(), iova) < 0) {
            throw new IllegalArgumentException("iova 0x" + Long.toHexString(iova) + " + " + lengthBytes
                    + " bytes wraps past the end of the address space");
        }
        DmaMapping overlapping = overlap(mapping);
        if (overlapping != null) {
            throw new IllegalArgumentException("IOVA range " + describe(mapping) + " overlaps the existing mapping "
                    + describe(overlapping));
        }
        IommuInfo info = iommuInfo();
        if (!info.validIovaRanges().isEmpty() && !info.isValidIova(iova, lengthBytes)) {
            throw new IllegalArgumentException("IOVA range " + describe(mapping)
                    + " is not inside one valid IOVA range of this container: " + info.validIovaRanges());
        }
        int flags = (deviceReads ? Native.VFIO_DMA_MAP_FLAG_READ() : 0)
                | (deviceWrites ? Native.VFIO_DMA_MAP_FLAG_WRITE() : 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment map = vfio_iommu_type1_dma_map.allocate(arena);
            vfio_iommu_type1_dma_map.argsz(map, (int) vfio_iommu_type1_dma_map.sizeof());
            vfio_iommu_type1_dma_map.flags(map, flags);
            vfio_iommu_type1_dma_map.vaddr(map, hostMemory.address());
            vfio_iommu_type1_dma_map.iova(map, iova);
            vfio_iommu_type1_dma_map.size(map, lengthBytes);
            LibC.ioctl(fd, VfioIoctl.VFIO_IOMMU_MAP_DMA, CONTAINER_PATH + " (IOVA " + describe(mapping) + ")", map);
        }
        mappings.put(iova, mapping);
    }

    /**
     * Removes the mapping made by {@link #mapDma} at {@code iova}; the kernel unpins its pages.
     *
     * @param iova the IOVA the mapping was made at
     * @param lengthBytes must equal the mapped length (type1 does not promise partial unmaps)
     * @throws IllegalArgumentException if no mapping starts at {@code iova} with that length
     */
    public synchronized void unmapDma(long iova, long lengthBytes) {
        checkOpen();
        DmaMapping mapping = mappings.get(iova);
        if (mapping == null || mapping.lengthBytes() != lengthBytes) {
            throw new IllegalArgumentException("no DMA mapping of " + lengthBytes + " bytes at IOVA 0x"
                    + Long.toHexString(iova) + "; mapped: "
                    + mappings.values().stream().map(VfioContainer::describe).toList());
        }
        unmap(mapping);
        mappings.remove(iova);
    }

    private void unmap(DmaMapping mapping) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment unmap = vfio_iommu_type1_dma_unmap.allocate(arena);
            vfio_iommu_type1_dma_unmap.argsz(unmap, (int) vfio_iommu_type1_dma_unmap.sizeof());
            vfio_iommu_type1_dma_unmap.flags(unmap, 0);
            vfio_iommu_type1_dma_unmap.iova(unmap, mapping.iova());
            vfio_iommu_type1_dma_unmap.size(unmap, mapping.lengthBytes());
            LibC.ioctl(fd, VfioIoctl.VFIO_IOMMU_UNMAP_DMA, CONTAINER_PATH + " (IOVA " + describe(mapping) + ")", unmap);
            long unmappedBytes = vfio_iommu_type1_dma_unmap.size(unmap);
            if (unmappedBytes != mapping.lengthBytes()) {
                throw new VfioException("VFIO_IOMMU_UNMAP_DMA of " + describe(mapping) + " unmapped " + unmappedBytes
                        + " bytes instead of " + mapping.lengthBytes());
            }
        }
    }

    private DmaMapping overlap(DmaMapping candidate) {
        Map.Entry<Long, DmaMapping> below = mappings.floorEntry(candidate.lastIova());
        if (below != null && Long.compareUnsigned(below.getValue().lastIova(), candidate.iova()) >= 0) {
            return below.getValue();
        }
        return null;
    }

    private static String describe(DmaMapping mapping) {
        return "0x" + Long.toHexString(mapping.iova()) + "-0x" + Long.toHexString(mapping.lastIova());
    }

    /**
     * Closes every group's devices, removes the DMA mappings still present, closes the groups,
     * then the container. Keeps going past failures and throws the first one at the end,
     * with the rest suppressed. A second call does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        // Devices first: closing a device fd disables it, so no DMA is in flight when mappings go.
        for (VfioGroup group : List.copyOf(groups)) {
            failure = collect(failure, group::closeDevices);
        }
        for (DmaMapping mapping : List.copyOf(mappings.values())) {
            failure = collect(failure, () -> unmap(mapping));
        }
        mappings.clear();
        for (VfioGroup group : List.copyOf(groups)) {
            failure = collect(failure, group::close);
        }
        groups.clear();
        failure = collect(failure, () -> LibC.close(fd, CONTAINER_PATH));
        if (failure != null) {
            throw failure;
        }
    }

    /** Called by a group as it closes, so the container stops tracking it. */
    synchronized void groupClosed(VfioGroup group) {
        groups.remove(group);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("VFIO container " + CONTAINER_PATH + " (fd " + fd + ") is closed");
        }
    }

    static RuntimeException collect(RuntimeException failure, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
        }
        return failure;
    }

    static void closeQuietly(int fd, String subject, Throwable primary) {
        try {
            LibC.close(fd, subject);
        } catch (RuntimeException e) {
            primary.addSuppressed(e);
        }
    }

    @Override
    public synchronized String toString() {
        return "VfioContainer[" + CONTAINER_PATH + ", groups " + groups.stream().map(VfioGroup::number).toList()
                + ", " + mappings.size() + " DMA mappings" + (closed ? ", closed" : "") + "]";
    }
}
