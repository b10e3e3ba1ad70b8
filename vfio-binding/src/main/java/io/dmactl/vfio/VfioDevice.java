package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;
import io.dmactl.vfio.ffi.vfio_device_info;
import io.dmactl.vfio.ffi.vfio_irq_info;
import io.dmactl.vfio.ffi.vfio_irq_set;
import io.dmactl.vfio.ffi.vfio_region_info;
import io.dmactl.vfio.ffi.vfio_region_info_cap_sparse_mmap;
import io.dmactl.vfio.ffi.vfio_region_info_cap_type;
import io.dmactl.vfio.ffi.vfio_region_sparse_mmap_area;
import io.dmactl.vfio.pci.MemoryOrdering;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A device opened through VFIO (vfio-pci): its info, regions (BARs mapped as {@link MemorySegment}s),
 * PCI config space, reset and interrupts. Made by {@link VfioGroup#openDevice}.
 *
 * <p>Mapped BARs belong to this device's arena: {@link #close()} unmaps them, and any later
 * access through their segments fails instead of touching unmapped memory.
 */
public final class VfioDevice implements AutoCloseable {
    /** IRQ index of legacy INTx. */
    public static final int INTX = Native.VFIO_PCI_INTX_IRQ_INDEX();
    /** IRQ index of MSI. */
    public static final int MSI = Native.VFIO_PCI_MSI_IRQ_INDEX();
    /** IRQ index of MSI-X. */
    public static final int MSIX = Native.VFIO_PCI_MSIX_IRQ_INDEX();
    /** IRQ index of PCIe AER error notification (count 0 on a conventional PCI device). */
    public static final int ERR = Native.VFIO_PCI_ERR_IRQ_INDEX();
    /** IRQ index of the kernel's request to release the device (e.g. for unbinding). */
    public static final int REQ = Native.VFIO_PCI_REQ_IRQ_INDEX();
    /** Region index of BAR0; BAR n is region {@code BAR0_REGION + n}, up to BAR5. */
    public static final int BAR0_REGION = Native.VFIO_PCI_BAR0_REGION_INDEX();
    /** Region index of BAR5, the last BAR. */
    public static final int BAR5_REGION = Native.VFIO_PCI_BAR5_REGION_INDEX();
    /** Region index of the expansion ROM. */
    public static final int ROM_REGION = Native.VFIO_PCI_ROM_REGION_INDEX();
    /** Region index of PCI config space. */
    public static final int CONFIG_REGION = Native.VFIO_PCI_CONFIG_REGION_INDEX();
    /** Region index of the legacy VGA ranges (size 0 unless the device is a VGA controller). */
    public static final int VGA_REGION = Native.VFIO_PCI_VGA_REGION_INDEX();

    // PCI Local Bus Spec 3.0, section 6.2.2: Command register at 0x04, Bus Master Enable is bit 2.
    private static final int PCI_COMMAND = 0x04;
    private static final int PCI_COMMAND_BUS_MASTER = 1 << 2;
    private static final String OS_ARCH = System.getProperty("os.arch");

    private final VfioGroup group;
    private final String pciAddress;
    private final int fd;
    private final String subject;
    private final Arena arena;
    private final DeviceInfo info;
    private final ConfigSpace config;
    private final Map<Integer, MemorySegment> mappedRegions = new HashMap<>();
    /** Non-null for a function opened through UIO ({@link #openUio}): then there is no group and no fd. */
    private final UioFunction uio;
    /** Under UIO: the thread that turns /dev/uioN reads into trigger eventfd signals, while INTx is set. */
    private UioInterruptForwarder intx;
    private boolean closed;

    private VfioDevice(VfioGroup group, String pciAddress, int fd, Arena arena) {
        this.group = group;
        this.pciAddress = pciAddress;
        this.fd = fd;
        this.subject = "device " + pciAddress;
        this.arena = arena;
        this.uio = null;
        this.info = queryInfo();
        RegionInfo configRegion = regionInfo(CONFIG_REGION);
        this.config = new ConfigSpace(fd, configRegion.fileOffset(), configRegion.sizeBytes(), subject, arena);
    }

    /**
     * Wraps {@code fd} with info the caller already has, asking the kernel nothing: lets tests
     * check what is refused before any ioctl, with a stand-in fd.
     */
    VfioDevice(VfioGroup group, String pciAddress, int fd, Arena arena, DeviceInfo info, ConfigSpace config) {
        this.group = group;
        this.pciAddress = pciAddress;
        this.fd = fd;
        this.subject = "device " + pciAddress;
        this.arena = arena;
        this.info = info;
        this.config = config;
        this.uio = null;
    }

    private VfioDevice(String pciAddress, UioFunction uio, Arena arena) {
        this.group = null;
        this.pciAddress = pciAddress;
        this.fd = -1;
        this.subject = "device " + pciAddress + " (UIO)";
        this.arena = arena;
        this.uio = uio;
        // VFIO's PCI layout, so drivers index regions and IRQs the same way; no reset flag.
        this.info = new DeviceInfo(Native.VFIO_DEVICE_FLAGS_PCI(), VGA_REGION + 1, REQ + 1);
        this.config = new ConfigSpace(uio.configFd, 0, uio.configSizeBytes, subject, arena);
    }

    /**
     * Opens a function bound to uio_pci_generic through its sysfs directory
     * ({@code /sys/bus/pci/devices/<address>}): BARs from {@code resourceN}, config space from
     * {@code config}, INTx masked and unmasked with the command register's Interrupt Disable bit.
     * The device then reaches all of physical memory: callers must have the user's explicit
     * opt-in. INTx reaches the trigger eventfd through a thread reading {@code /dev/uioN}, and an
     * unmask (eventfd or {@link #unmaskIrq}) clears the command register's Interrupt Disable bit;
     * there is no MSI or MSI-X. Everything else behaves as for a VFIO device.
     *
     * @param pciAddress the function's PCI address, e.g. {@code 0000:00:03.0}
     * @param deviceDirectory the function's sysfs directory
     * @param resources the function's BARs, from sysfs {@code resource}
     * @return the device; close it
     */
    public static VfioDevice openUio(String pciAddress, java.nio.file.Path deviceDirectory,
                                     java.util.List<io.dmactl.vfio.pci.PciResource> resources) {
        return openUio(pciAddress, deviceDirectory, resources, java.nio.file.Path.of("/dev"));
    }

    /** {@link #openUio(String, java.nio.file.Path, java.util.List)} with {@code /dev/uioN} looked for in {@code devDirectory}. */
    static VfioDevice openUio(String pciAddress, java.nio.file.Path deviceDirectory,
                              java.util.List<io.dmactl.vfio.pci.PciResource> resources, java.nio.file.Path devDirectory) {
        UioFunction uio = UioFunction.open(deviceDirectory, resources, devDirectory);
        Arena arena = Arena.ofShared();
        try {
            return new VfioDevice(pciAddress, uio, arena);
        } catch (RuntimeException | Error e) {
            arena.close();
            VfioContainer.closeQuietly(uio.configFd, "config of " + pciAddress, e);
            throw e;
        }
    }

    /**
     * For a function opened through UIO: the physical (bus) address of {@code virtualAddress} when
     * it lies in one of this device's mapped BARs (the BAR's start from sysfs {@code resource} plus
     * the offset), for peer-to-peer DMA without an IOMMU; pagemap knows nothing of BAR mappings.
     * Empty for a VFIO device or an address outside its mapped BARs.
     *
     * @param virtualAddress an address in a BAR mapped by {@link #mapRegion}
     * @return the bus address, or empty
     */
    public synchronized java.util.OptionalLong barPhysicalAddress(long virtualAddress) {
        if (uio == null || closed) {
            return java.util.OptionalLong.empty();
        }
        for (Map.Entry<Integer, MemorySegment> e : mappedRegions.entrySet()) {
            long start = e.getValue().address();
            if (virtualAddress - start >= 0 && virtualAddress - start < e.getValue().byteSize()) {
                return java.util.OptionalLong.of(uio.barStart(e.getKey()) + (virtualAddress - start));
            }
        }
        return java.util.OptionalLong.empty();
    }

    /**
     * Whether this function was opened through UIO (no IOMMU) rather than VFIO.
     *
     * @return true when opened through UIO
     */
    public boolean isUio() {
        return uio != null;
    }

    /** Wraps a fresh device fd; on any failure closes what was opened and rethrows. */
    static VfioDevice open(VfioGroup group, String pciAddress, int fd) {
        Arena arena = Arena.ofShared();
        try {
            return new VfioDevice(group, pciAddress, fd, arena);
        } catch (RuntimeException | Error e) {
            arena.close();
            VfioContainer.closeQuietly(fd, "device " + pciAddress, e);
            throw e;
        }
    }

    /**
     * The PCI address the device was opened with, e.g. {@code 0000:00:03.0}.
     *
     * @return the PCI address
     */
    public String pciAddress() {
        return pciAddress;
    }

    /**
     * Flags, region and IRQ counts, read when the device was opened.
     *
     * @return the device info
     */
    public DeviceInfo info() {
        return info;
    }

    private DeviceInfo queryInfo() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment deviceInfo = vfio_device_info.allocate(call);
            vfio_device_info.argsz(deviceInfo, (int) vfio_device_info.sizeof());
            LibC.ioctl(fd, VfioIoctl.VFIO_DEVICE_GET_INFO, subject, deviceInfo);
            return new DeviceInfo(vfio_device_info.flags(deviceInfo), vfio_device_info.num_regions(deviceInfo),
                    vfio_device_info.num_irqs(deviceInfo));
        }
    }

    /**
     * Size, file offset, flags and capabilities of region {@code index}. An unimplemented region
     * (an unused BAR, the VGA region of a non-VGA device) has size 0 and no flags.
     *
     * @param index the region or IRQ index
     * @return the region's info
     * @throws IllegalArgumentException if {@code index} is not below {@code info().numRegions()}
     * @throws IllegalStateException    if the device is closed (its fd number may belong to another file by now)
     */
    public RegionInfo regionInfo(int index) {
        checkOpen();
        checkRegionIndex(index);
        if (uio != null) {
            return uio.regionInfo(index);
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment region;
            try {
                region = queryRegionInfo(call, index, vfio_region_info.sizeof());
            } catch (NativeCallException e) {
                // vfio-pci counts the VGA region in every device's numRegions but refuses it with
                // EINVAL unless the device does VGA; report it like any other unimplemented region.
                if (index == VGA_REGION && e.errno() == Native.EINVAL()) {
                    return new RegionInfo(index, 0, 0, 0, List.of());
                }
                throw e;
            }
            long neededBytes = Integer.toUnsignedLong(vfio_region_info.argsz(region));
            if (neededBytes > region.byteSize()) {
                // The capability chain did not fit: ask again with the room the kernel asked for.
                region = queryRegionInfo(call, index, neededBytes);
            }
            int flags = vfio_region_info.flags(region);
            List<RegionCapability> capabilities = (flags & Native.VFIO_REGION_INFO_FLAG_CAPS()) != 0
                    ? parseRegionCapabilities(region, index, call)
                    : List.of();
            return new RegionInfo(index, vfio_region_info.size(region), vfio_region_info.offset(region), flags,
                    capabilities);
        }
    }

    private MemorySegment queryRegionInfo(Arena call, int index, long sizeBytes) {
        MemorySegment region = call.allocate(sizeBytes, Long.BYTES);
        vfio_region_info.argsz(region, (int) sizeBytes);
        vfio_region_info.index(region, index);
        LibC.ioctl(fd, VfioIoctl.VFIO_DEVICE_GET_REGION_INFO, subject + " region " + index, region);
        return region;
    }

    private List<RegionCapability> parseRegionCapabilities(MemorySegment region, int index, Arena call) {
        List<RegionCapability> capabilities = new ArrayList<>();
        String what = subject + " region " + index;
        for (int offset : CapabilityChain.offsets(region, vfio_region_info.cap_offset(region), what)) {
            int id = CapabilityChain.id(region, offset);
            MemorySegment cap = CapabilityChain.alignedCopy(region, offset, call);
            if (id == Native.VFIO_REGION_INFO_CAP_SPARSE_MMAP()) {
                capabilities.add(new RegionCapability.SparseMmap(parseSparseAreas(cap, what)));
            } else if (id == Native.VFIO_REGION_INFO_CAP_TYPE()) {
                capabilities.add(new RegionCapability.Type(vfio_region_info_cap_type.type(cap),
                        vfio_region_info_cap_type.subtype(cap)));
            } else if (id == Native.VFIO_REGION_INFO_CAP_MSIX_MAPPABLE()) {
                capabilities.add(new RegionCapability.MsixMappable());
            } else {
                capabilities.add(new RegionCapability.Other(id, CapabilityChain.version(region, offset)));
            }
        }
        return capabilities;
    }

    private static List<SparseMmapArea> parseSparseAreas(MemorySegment cap, String what) {
        int count = vfio_region_info_cap_sparse_mmap.nr_areas(cap);
        long first = vfio_region_info_cap_sparse_mmap.areas$offset();
        long areaBytes = vfio_region_sparse_mmap_area.sizeof();
        if (count < 0 || first + count * areaBytes > cap.byteSize()) {
            throw new VfioException("corrupt sparse-mmap capability for " + what + ": " + count + " areas");
        }
        List<SparseMmapArea> areas = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            MemorySegment area = cap.asSlice(first + i * areaBytes, areaBytes);
            areas.add(new SparseMmapArea(vfio_region_sparse_mmap_area.offset(area),
                    vfio_region_sparse_mmap_area.size(area)));
        }
        return areas;
    }

    /**
     * Maps all of region {@code index} (a BAR) into this process, readable and/or writable as the
     * region allows. Mapping the same region again returns the same segment. The segment is valid
     * until the device is closed; closing unmaps it. Access it with explicit ordering (VarHandle
     * fences / acquire-release), as for any device memory.
     *
     * <p>Device memory is mapped on x86-64 only: the orderings the drivers rely on are proven
     * there ({@link MemoryOrdering}); this is the one place that checks.
     *
     * @param index the region or IRQ index
     * @return the mapped region, valid until the device is closed
     * @throws IllegalArgumentException      if {@code index} is out of range
     * @throws VfioException                 if the region is empty or not mappable (e.g. an I/O-port BAR)
     * @throws UnsupportedOperationException on any architecture but x86-64, before anything is asked of the kernel
     */
    public MemorySegment mapRegion(int index) {
        return mapRegion(index, OS_ARCH);
    }

    /** {@link #mapRegion(int)} as if the JVM ran on {@code osArch}: lets tests check the refusal. */
    synchronized MemorySegment mapRegion(int index, String osArch) {
        MemoryOrdering.requireSupported(osArch, subject + " region " + index);
        checkOpen();
        MemorySegment existing = mappedRegions.get(index);
        if (existing != null) {
            return existing;
        }
        RegionInfo region = regionInfo(index);
        if (region.sizeBytes() == 0 || !region.mappable()) {
            throw new VfioException("region " + index + " of " + subject + " cannot be mmapped (size "
                    + region.sizeBytes() + " bytes, flags 0x" + Integer.toHexString(region.flags())
                    + "); use a memory BAR that VFIO reports as mappable");
        }
        int prot = (region.readable() ? Native.PROT_READ() : 0) | (region.writable() ? Native.PROT_WRITE() : 0);
        String what = subject + " region " + index;
        long sizeBytes = region.sizeBytes();
        long address;
        if (uio != null) {
            int resourceFd = LibC.open(uio.resourceFile(index).toString(), Native.O_RDWR() | Native.O_CLOEXEC());
            try {
                address = LibC.mmap(sizeBytes, prot, Native.MAP_SHARED(), resourceFd, 0, what, null);
            } finally {
                LibC.close(resourceFd, what); // the mapping keeps the BAR reachable
            }
        } else {
            address = LibC.mmap(sizeBytes, prot, Native.MAP_SHARED(), fd, region.fileOffset(), what, null);
        }
        MemorySegment segment = MemorySegment.ofAddress(address)
                .reinterpret(sizeBytes, arena, unused -> LibC.munmap(address, sizeBytes, what));
        mappedRegions.put(index, segment);
        return segment;
    }

    /**
     * Reads the config byte at {@code offset}, as an unsigned value 0..0xff.
     *
     * @param offset the byte offset in config space
     * @return the byte, 0..0xff
     */
    public int configRead8(int offset) {
        checkOpen();
        return config.read8(offset);
    }

    /**
     * Reads the little-endian config word at {@code offset} (2-byte aligned), unsigned 0..0xffff.
     *
     * @param offset the byte offset in config space
     * @return the word, 0..0xffff
     */
    public int configRead16(int offset) {
        checkOpen();
        return config.read16(offset);
    }

    /**
     * Reads the little-endian config dword at {@code offset} (4-byte aligned).
     *
     * @param offset the byte offset in config space
     * @return the dword
     */
    public int configRead32(int offset) {
        checkOpen();
        return config.read32(offset);
    }

    /**
     * Writes the config byte at {@code offset}; {@code value} must be 0..0xff.
     *
     * @param offset the byte offset in config space
     * @param value the value to write
     */
    public void configWrite8(int offset, int value) {
        checkOpen();
        config.write8(offset, value);
    }

    /**
     * Writes the little-endian config word at {@code offset} (2-byte aligned); {@code value} must be 0..0xffff.
     *
     * @param offset the byte offset in config space
     * @param value the value to write
     */
    public void configWrite16(int offset, int value) {
        checkOpen();
        config.write16(offset, value);
    }

    /**
     * Writes the little-endian config dword at {@code offset} (4-byte aligned).
     *
     * @param offset the byte offset in config space
     * @param value the value to write
     */
    public void configWrite32(int offset, int value) {
        checkOpen();
        config.write32(offset, value);
    }

    /**
     * The size of config space in bytes (256 for PCI, 4096 for PCIe).
     *
     * @return the size in bytes
     */
    public long configSizeBytes() {
        return config.sizeBytes();
    }

    /** Sets Bus Master Enable in the PCI command register, so the device may issue DMA. */
    public synchronized void enableBusMaster() {
        checkOpen();
        synchronized (config) { // the command register is also written by a UIO interrupt thread
            int command = config.read16(PCI_COMMAND);
            config.write16(PCI_COMMAND, command | PCI_COMMAND_BUS_MASTER);
        }
    }

    /** Under UIO: sets or clears the command register's Interrupt Disable bit (a read-modify-write under config's lock). */
    private void setIntxDisable(boolean disable) {
        synchronized (config) {
            int command = config.read16(PCI_COMMAND);
            config.write16(PCI_COMMAND, disable ? command | UioFunction.PCI_COMMAND_INTX_DISABLE
                    : command & ~UioFunction.PCI_COMMAND_INTX_DISABLE);
        }
    }

    /** Under UIO: stops INTx forwarding, if on. The thread takes only config's lock, so this may hold the device's. */
    private void stopUioIntx() {
        UioInterruptForwarder running = intx;
        intx = null;
        if (running != null) {
            running.close();
        }
    }

    /**
     * Clears Bus Master Enable, so the device can issue no more DMA: a driver's last step before
     * the memory the device used is unmapped. Other command bits are left as they are.
     */
    public synchronized void disableBusMaster() {
        checkOpen();
        synchronized (config) {
            int command = config.read16(PCI_COMMAND);
            config.write16(PCI_COMMAND, command & ~PCI_COMMAND_BUS_MASTER);
        }
    }

    /**
     * Resets the device ({@code VFIO_DEVICE_RESET}); vfio-pci saves and restores config space around it.
     *
     * @throws NativeCallException if the device has no reset method ({@link DeviceInfo#canReset()} false)
     */
    public synchronized void reset() {
        checkOpen();
        if (uio != null) {
            throw new UnsupportedOperationException(subject + ": no reset under UIO (info().canReset() is false)");
        }
        LibC.ioctl(fd, VfioIoctl.VFIO_DEVICE_RESET, subject, 0L);
    }

    /**
     * What the device offers at IRQ {@code index} ({@link #INTX}, {@link #MSI}, {@link #MSIX}, ...).
     * An index the device lacks has count 0.
     *
     * @param index the region or IRQ index
     * @return the IRQ's info
     * @throws IllegalArgumentException if {@code index} is not below {@code info().numIrqs()}
     */
    public IrqInfo irqInfo(int index) {
        checkOpen();
        checkIrqIndex(index);
        if (uio != null) {
            return uio.irqInfo(index);
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment irq = vfio_irq_info.allocate(call);
            vfio_irq_info.argsz(irq, (int) vfio_irq_info.sizeof());
            vfio_irq_info.index(irq, index);
            try {
                LibC.ioctl(fd, VfioIoctl.VFIO_DEVICE_GET_IRQ_INFO, subject + " IRQ index " + index, irq);
            } catch (NativeCallException e) {
                // vfio-pci counts the ERR index on every device but refuses it with EINVAL unless the
                // device is PCIe; report it as an index without vectors.
                if (index == ERR && e.errno() == Native.EINVAL()) {
                    return new IrqInfo(index, 0, 0);
                }
                throw e;
            }
            return new IrqInfo(index, vfio_irq_info.count(irq), vfio_irq_info.flags(irq));
        }
    }

    /**
     * Routes vectors {@code start .. start + fds.length - 1} of IRQ {@code index} to the eventfds
     * ({@code VFIO_DEVICE_SET_IRQS} with {@code DATA_EVENTFD | ACTION_TRIGGER}); this also enables
     * the index. A null entry detaches that vector. For MSI and MSI-X, whose vectors are enabled
     * as a set ({@link IrqInfo#noResize()}), pass all vectors in one call.
     *
     * @param index the region or IRQ index
     * @param start the first vector
     * @param fds one eventfd per vector, in vector order
     * @throws IllegalArgumentException if the index or vector range is not offered by the device
     */
    public synchronized void setIrqEventFds(int index, int start, EventFd... fds) {
        checkOpen();
        IrqInfo irq = irqInfo(index);
        if (fds.length == 0) {
            throw new IllegalArgumentException("no eventfds given for IRQ index " + index
                    + "; use disableIrqs(" + index + ") to turn the index off");
        }
        if (start < 0 || start > irq.count() - fds.length) {
            throw new IllegalArgumentException("vectors " + start + ".." + (start + fds.length - 1) + " of IRQ index "
                    + index + " do not exist: " + subject + " has " + irq.count() + " vectors there");
        }
        if (!irq.eventFdCapable()) {
            throw new IllegalArgumentException("IRQ index " + index + " of " + subject + " cannot signal eventfds"
                    + (uio != null ? ": it has no /dev/uioN (no interrupt pin, or not bound to a UIO driver); poll for completions" : ""));
        }
        if (uio != null) { // INTx, one vector (irqInfo offers nothing else)
            stopUioIntx();
            if (fds[0] != null) {
                intx = UioInterruptForwarder.start(uio.uioDevice, fds[0], () -> setIntxDisable(false), subject);
                setIntxDisable(false); // setting the trigger enables the index, as on VFIO
            }
            return;
        }
        try (Arena call = Arena.ofConfined()) {
            long dataOffset = vfio_irq_set.data$offset();
            long sizeBytes = dataOffset + (long) fds.length * Integer.BYTES;
            MemorySegment set = call.allocate(sizeBytes, Integer.BYTES);
            vfio_irq_set.argsz(set, (int) sizeBytes);
            vfio_irq_set.flags(set, Native.VFIO_IRQ_SET_DATA_EVENTFD() | Native.VFIO_IRQ_SET_ACTION_TRIGGER());
            vfio_irq_set.index(set, index);
            vfio_irq_set.start(set, start);
            vfio_irq_set.count(set, fds.length);
            for (int i = 0; i < fds.length; i++) {
                int eventFd = fds[i] == null ? -1 : fds[i].fd();
                set.set(ValueLayout.JAVA_INT, dataOffset + (long) i * Integer.BYTES, eventFd);
            }
            LibC.ioctl(fd, VfioIoctl.VFIO_DEVICE_SET_IRQS, subject + " IRQ index " + index, set);
        }
    }

    /**
     * Masks vector {@code subindex} of IRQ {@code index} ({@code VFIO_DEVICE_SET_IRQS} with
     * {@code DATA_NONE | ACTION_MASK}): VFIO holds the device's interrupts there back until
     * {@link #unmaskIrq}. Only maskable indexes ({@link IrqInfo#maskable()}; on vfio-pci that is
     * INTx) can be masked, and only while their trigger is set ({@link #setIrqEventFds}).
     *
     * @param index the region or IRQ index
     * @param subindex the vector
     * @throws IllegalArgumentException if the index or vector does not exist or is not maskable
     * @throws IllegalStateException    if the device is closed
     * @throws NativeCallException      if the kernel refuses (EINVAL: the index is not enabled)
     */
    public synchronized void maskIrq(int index, int subindex) {
        setIrqMaskState(index, subindex, Native.VFIO_IRQ_SET_ACTION_MASK(), "mask");
    }

    /**
     * Unmasks vector {@code subindex} of IRQ {@code index} ({@code DATA_NONE | ACTION_UNMASK}).
     * An automasked index ({@link IrqInfo#automasked()}: level-triggered INTx) is masked by VFIO
     * after every interrupt and delivers no further one until this is called; acknowledge the
     * device's interrupt first, or the still-asserted line interrupts again at once. Unmasking an
     * unmasked vector does nothing. For an unmask on a hot path, see {@link #setIrqUnmaskEventFd}.
     *
     * @param index the region or IRQ index
     * @param subindex the vector
     * @throws IllegalArgumentException if the index or vector does not exist or is not maskable
     * @throws IllegalStateException    if the device is closed
     * @throws NativeCallException      if the kernel refuses (EINVAL: the index is not enabled)
     */
    public synchronized void unmaskIrq(int index, int subindex) {
        setIrqMaskState(index, subindex, Native.VFIO_IRQ_SET_ACTION_UNMASK(), "unmask");
    }

    /**
     * Makes every signal of {@code unmaskFd} unmask vector {@code subindex} of IRQ {@code index}
     * ({@code DATA_EVENTFD | ACTION_UNMASK}): the kernel unmasks as the eventfd is written, so
     * {@link EventFd#signal()} is an unmask that allocates nothing. Needs the index's trigger set
     * first ({@link #setIrqEventFds}); {@link #disableIrqs} drops it again. Null detaches it.
     *
     * @param index the region or IRQ index
     * @param subindex the vector
     * @param unmaskFd the eventfd whose signals unmask the vector
     * @throws IllegalArgumentException if the index or vector does not exist or is not maskable
     * @throws IllegalStateException    if the device is closed
     * @throws NativeCallException      if the kernel refuses (EINVAL: the index is not enabled)
     */
    public synchronized void setIrqUnmaskEventFd(int index, int subindex, EventFd unmaskFd) {
        checkMaskable(index, subindex, "unmask on an eventfd");
        if (uio != null) {
            if (intx == null) {
                throw new IllegalStateException(subject + ": INTx is not enabled (set its trigger eventfd first)");
            }
            intx.unmaskFd(unmaskFd);
            return;
        }
        try (Arena call = Arena.ofConfined()) {
            long dataOffset = vfio_irq_set.data$offset();
            long sizeBytes = dataOffset + Integer.BYTES;
            MemorySegment set = call.allocate(sizeBytes, Integer.BYTES);
            vfio_irq_set.argsz(set, (int) sizeBytes);
            vfio_irq_set.flags(set, Native.VFIO_IRQ_SET_DATA_EVENTFD() | Native.VFIO_IRQ_SET_ACTION_UNMASK());
            vfio_irq_set.index(set, index);
            vfio_irq_set.start(set, subindex);
            vfio_irq_set.count(set, 1);
            set.set(ValueLayout.JAVA_INT, dataOffset, unmaskFd == null ? -1 : unmaskFd.fd());
            LibC.ioctl(fd, VfioIoctl.VFIO_DEVICE_SET_IRQS, subject + " IRQ index " + index + " vector " + subindex
                    + " unmask eventfd", set);
        }
    }

    private void setIrqMaskState(int index, int subindex, int action, String actionName) {
        checkMaskable(index, subindex, actionName);
        if (uio != null) {
            // uio_pci_generic sets Interrupt Disable when INTx fires; userspace clears it to unmask.
            setIntxDisable(action == Native.VFIO_IRQ_SET_ACTION_MASK());
            return;
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment set = vfio_irq_set.allocate(call);
            vfio_irq_set.argsz(set, (int) vfio_irq_set.sizeof());
            vfio_irq_set.flags(set, Native.VFIO_IRQ_SET_DATA_NONE() | action);
            vfio_irq_set.index(set, index);
            vfio_irq_set.start(set, subindex);
            vfio_irq_set.count(set, 1);
            LibC.ioctl(fd, VfioIoctl.VFIO_DEVICE_SET_IRQS, subject + " IRQ index " + index + " vector " + subindex
                    + " " + actionName, set);
        }
    }

    /** Everything a mask/unmask needs, checked before the SET_IRQS ioctl (GET_IRQ_INFO only reads). */
    private void checkMaskable(int index, int subindex, String actionName) {
        checkOpen();
        checkIrqIndex(index);
        if (subindex < 0) {
            throw new IllegalArgumentException("vector " + subindex + " of IRQ index " + index + " of " + subject
                    + " is negative; cannot " + actionName + " it");
        }
        IrqInfo irq = irqInfo(index);
        if (subindex >= irq.count()) {
            throw new IllegalArgumentException("vector " + subindex + " of IRQ index " + index + " does not exist: "
                    + subject + " has " + irq.count() + " vectors there; cannot " + actionName + " it");
        }
        if (!irq.maskable()) {
            throw new IllegalArgumentException("IRQ index " + index + " of " + subject + " is not maskable (flags 0x"
                    + Integer.toHexString(irq.flags()) + "); cannot " + actionName + " it");
        }
    }

    /**
     * Turns IRQ {@code index} off and detaches its eventfds ({@code DATA_NONE | ACTION_TRIGGER}, count 0).
     *
     * @param index the region or IRQ index
     */
    public synchronized void disableIrqs(int index) {
        checkOpen();
        checkIrqIndex(index);
        if (uio != null) {
            if (index == INTX) {
                stopUioIntx();
                setIntxDisable(true);
            }
            return;
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment set = vfio_irq_set.allocate(call);
            vfio_irq_set.argsz(set, (int) vfio_irq_set.sizeof());
            vfio_irq_set.flags(set, Native.VFIO_IRQ_SET_DATA_NONE() | Native.VFIO_IRQ_SET_ACTION_TRIGGER());
            vfio_irq_set.index(set, index);
            vfio_irq_set.start(set, 0);
            vfio_irq_set.count(set, 0);
            LibC.ioctl(fd, VfioIoctl.VFIO_DEVICE_SET_IRQS, subject + " IRQ index " + index, set);
        }
    }

    /**
     * Unmaps the device's BARs and closes its fd; vfio-pci then disables the device and tears
     * down its interrupts. A second call does nothing.
     */
    @Override
    public void close() {
        RuntimeException failure;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            failure = null;
            if (uio != null) {
                // vfio-pci disables the device when its fd closes; uio_pci_generic does not: stop
                // the forwarding, mask INTx and clear Bus Master here, so nothing is left running.
                failure = VfioContainer.collect(null, this::stopUioIntx);
                failure = VfioContainer.collect(failure, () -> {
                    synchronized (config) {
                        int command = config.read16(PCI_COMMAND);
                        config.write16(PCI_COMMAND, (command | UioFunction.PCI_COMMAND_INTX_DISABLE) & ~PCI_COMMAND_BUS_MASTER);
                    }
                });
            }
            // The arena's cleanup actions munmap each mapped region; then the fd can go.
            failure = VfioContainer.collect(failure, arena::close);
            if (uio != null) {
                failure = VfioContainer.collect(failure, () -> LibC.close(uio.configFd, subject + " config"));
            } else {
                failure = VfioContainer.collect(failure, () -> LibC.close(fd, subject));
            }
            mappedRegions.clear();
        }
        // Outside this device's lock: the group takes the container's lock.
        if (group != null) {
            group.deviceClosed(this);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void checkRegionIndex(int index) {
        if (index < 0 || index >= info.numRegions()) {
            throw new IllegalArgumentException("region index " + index + " does not exist: " + subject + " has regions 0.."
                    + (info.numRegions() - 1));
        }
    }

    private void checkIrqIndex(int index) {
        if (index < 0 || index >= info.numIrqs()) {
            throw new IllegalArgumentException("IRQ index " + index + " does not exist: " + subject + " has IRQ indexes 0.."
                    + (info.numIrqs() - 1));
        }
    }

    private synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException(subject + " is closed");
        }
    }

    @Override
    public String toString() {
        return uio != null ? "VfioDevice[" + pciAddress + ", UIO " + uio + "]"
                : "VfioDevice[" + pciAddress + ", group " + group.number() + "]";
    }
}
