package io.dmactl.cli.host;

import io.dmactl.vfio.pci.PciAddress;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A bind was refused because the host is using the device (a mounted disk, an interface that
 * is up). Nothing was written. {@code --force} overrides it.
 */
public final class DeviceInUseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient PciAddress address;
    private final transient List<HostUse> uses;

    public DeviceInUseException(PciAddress address, String driver, List<HostUse> uses) {
        super("refusing to take " + address + " from " + driver + ": the host is using it: "
                + uses.stream().map(HostUse::describe).collect(Collectors.joining("; "))
                + ". Stop that use first (umount, swapoff, ip link set DEV down), or pass --force"
                + " if you really mean to pull the device from under it");
        this.address = address;
        this.uses = List.copyOf(uses);
    }

    public PciAddress address() {
        return address;
    }

    public List<HostUse> uses() {
        return uses;
    }
}
