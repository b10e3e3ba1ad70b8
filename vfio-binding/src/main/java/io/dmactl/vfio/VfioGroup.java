package io.dmactl.vfio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An IOMMU group ({@code /dev/vfio/N}) attached to a {@link VfioContainer}; opens its devices.
 * Made by {@link VfioContainer#attachGroup}. Group state is guarded by the container's lock,
 * so container and group never wait on each other.
 */
public final class VfioGroup implements AutoCloseable {
    private static final Pattern PCI_ADDRESS = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\\.[0-7]");
    private static final Path SYSFS = Path.of("/sys");

    private final VfioContainer container;
    private final int number;
    private final int fd;
    private final String path;
    private final List<VfioDevice> devices = new ArrayList<>();
    private boolean closed;

    VfioGroup(VfioContainer container, int number, int fd, String path) {
        this.container = container;
        this.number = number;
        this.fd = fd;
        this.path = path;
    }

    /**
     * The IOMMU group number N of /dev/vfio/N.
     *
     * @return the group number
     */
    public int number() {
        return number;
    }

    /**
     * Opens a device of this group ({@code VFIO_GROUP_GET_DEVICE_FD}) and reads its info.
     *
     * @param pciAddress the device's full PCI address, lowercase, e.g. {@code 0000:00:03.0}
     * @return the open device; close it before the group
     * @throws IllegalArgumentException if the address is malformed or the device is not in this group
     * @throws NativeCallException      if the kernel refuses (e.g. the device is already open elsewhere)
     */
    public VfioDevice openDevice(String pciAddress) {
        if (pciAddress == null || !PCI_ADDRESS.matcher(pciAddress).matches()) {
            throw new IllegalArgumentException("PCI address '" + pciAddress
                    + "' is not of the form dddd:bb:dd.f (lowercase hex), e.g. 0000:00:03.0");
        }
        synchronized (container) {
            checkOpen();
            if (!IommuGroupMembers.contains(SYSFS, number, pciAddress)) {
                throw new IllegalArgumentException("device " + pciAddress + " is not in IOMMU group " + number
                        + "; the group's devices: " + IommuGroupMembers.describe(SYSFS, number));
            }
            int deviceFd;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment name = arena.allocateFrom(pciAddress);
                deviceFd = LibC.ioctl(fd, VfioIoctl.VFIO_GROUP_GET_DEVICE_FD, path + " (device " + pciAddress + ")", name);
            }
            VfioDevice device = VfioDevice.open(this, pciAddress, deviceFd);
            devices.add(device);
            return device;
        }
    }

    /** Closes this group's devices, then the group fd (which takes it out of the container). */
    @Override
    public void close() {
        synchronized (container) {
            if (closed) {
                return;
            }
            closed = true;
            RuntimeException failure = VfioContainer.collect(null, this::closeDevices);
            failure = VfioContainer.collect(failure, () -> LibC.close(fd, path));
            container.groupClosed(this);
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Closes every open device of the group; keeps going past failures and throws the first. */
    void closeDevices() {
        List<VfioDevice> open;
        synchronized (container) {
            open = List.copyOf(devices);
        }
        RuntimeException failure = null;
        for (VfioDevice device : open) {
            failure = VfioContainer.collect(failure, device::close);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Called by a device as it closes. */
    void deviceClosed(VfioDevice device) {
        synchronized (container) {
            devices.remove(device);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("VFIO group " + path + " is closed");
        }
    }

    @Override
    public String toString() {
        return "VfioGroup[" + path + "]";
    }
}
