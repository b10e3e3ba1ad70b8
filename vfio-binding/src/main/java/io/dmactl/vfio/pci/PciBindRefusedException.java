package io.dmactl.vfio.pci;

import java.util.List;

/**
 * {@link PciBinder} refused a request before writing anything: the device, its IOMMU group
 * and the kernel's driver state are exactly as they were.
 */
public final class PciBindRefusedException extends PciException {

    private static final long serialVersionUID = 1L;

    /** Why the request was refused. */
    public enum Reason {
        /** The target driver is not loaded; dmactl loads no kernel modules itself. */
        DRIVER_NOT_LOADED,
        /** vfio-pci was asked for a device that has no IOMMU group (no IOMMU enabled). */
        NO_IOMMU_GROUP,
        /** uio_pci_generic was asked for without explicitly accepting DMA without an IOMMU. */
        NO_IOMMU_NOT_ACCEPTED,
        /** Other devices in the IOMMU group are bound to host drivers VFIO does not accept. */
        GROUP_NOT_VIABLE,
        /** The device is a PCI bridge, which neither userspace driver takes. */
        BRIDGE
    }

    private final transient PciAddress address;
    /** Why the bind was refused. */
    private final Reason reason;
    private final transient List<PciDevice> blockingDevices;

    /**
     * A refusal without blocking devices.
     *
     * @param address the device's address
     * @param reason  why it was refused
     * @param message the message, saying what to do
     */
    public PciBindRefusedException(PciAddress address, Reason reason, String message) {
        this(address, reason, List.of(), message);
    }

    /**
     * A refusal naming the devices in the way.
     *
     * @param address         the device's address
     * @param reason          why it was refused
     * @param blockingDevices for {@link Reason#GROUP_NOT_VIABLE}, the group members in the way
     * @param message         the message, saying what to do
     */
    public PciBindRefusedException(PciAddress address, Reason reason, List<PciDevice> blockingDevices,
                                   String message) {
        super(message);
        this.address = address;
        this.reason = reason;
        this.blockingDevices = List.copyOf(blockingDevices);
    }

    /**
     * The device that was not bound.
     *
     * @return the address
     */
    public PciAddress address() {
        return address;
    }

    /**
     * Why it was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * For {@link Reason#GROUP_NOT_VIABLE}: the group members in the way; otherwise empty.
     *
     * @return the devices, or empty
     */
    public List<PciDevice> blockingDevices() {
        return blockingDevices;
    }
}
