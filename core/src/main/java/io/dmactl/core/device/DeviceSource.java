package io.dmactl.core.device;

import io.dmactl.core.memory.IommuDomain;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;

import java.util.List;
import java.util.Optional;

/**
 * Where a runtime gets PCI devices for its device providers. The VFIO implementation
 * ({@link VfioDeviceSource}) lists functions bound to vfio-pci, puts all their IOMMU groups in one
 * container and opens device fds there; the UIO one ({@link UioDeviceSource}, only with the user's
 * opt-in to DMA without an IOMMU) lists functions bound to uio_pci_generic, gives them one
 * physical domain and opens them through sysfs. Providers get a {@link VfioDevice} either way.
 * Tests substitute devices without hardware.
 */
public interface DeviceSource extends AutoCloseable {

    /**
     * Functions a userspace driver may take (bound to vfio-pci in an IOMMU group; for UIO, to uio_pci_generic).
     *
     * @return the functions, in address order
     */
    List<PciDevice> devices();

    /**
     * The function at {@code address}, whether or not a provider drives it (for device windows).
     *
     * @param address the function's address
     * @return the function, or empty
     */
    Optional<PciDevice> device(PciAddress address);

    /**
     * Brings {@code devices} into one IOMMU domain (attaching their groups to one container; for
     * UIO, a physical domain after checking the opt-in and root).
     * Devices whose group cannot join are reported in {@code diagnostics} and left out.
     *
     * @param devices the functions the providers will drive
     * @param diagnostics where to add what was skipped and why
     * @return the domain, or empty when none of the devices could join one
     */
    Optional<IommuDomain> attach(List<PciDevice> devices, List<String> diagnostics);

    /**
     * Opens a device of an attached group (for UIO, an attached function through sysfs). Empty for
     * a device without VFIO (test doubles).
     *
     * @param device a function returned by {@link #devices()}
     * @return the open device, or empty for a function without VFIO
     * @throws RuntimeException with the kernel's reason when the device cannot be opened
     */
    Optional<VfioDevice> open(PciDevice device);

    /** Closes every device opened here, then the container. Idempotent. */
    @Override
    void close();

    /**
     * A source without devices.
     *
     * @return the empty source
     */
    static DeviceSource none() {
        return new DeviceSource() {
            @Override
            public List<PciDevice> devices() {
                return List.of();
            }

            @Override
            public Optional<PciDevice> device(PciAddress address) {
                return Optional.empty();
            }

            @Override
            public Optional<IommuDomain> attach(List<PciDevice> devices, List<String> diagnostics) {
                return Optional.empty();
            }

            @Override
            public Optional<VfioDevice> open(PciDevice device) {
                throw new IllegalStateException("no device source: cannot open " + device.address());
            }

            @Override
            public void close() {
            }
        };
    }
}
