package io.dmactl.vfio.pci;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link PciBinder#bind} did, with what it needs to put the device back
 * ({@link PciBinder#restore}). Plain data, so a caller can also keep it across processes.
 *
 * @param address                the device
 * @param driver                 the userspace driver it is now bound to
 * @param previousDriver         the driver it was bound to before, empty if it was unbound
 * @param previousDriverOverride its {@code driver_override} before, empty if unset
 * @param changed                false when the device was already bound to {@code driver}
 *                               and nothing was written
 */
public record BindResult(
        PciAddress address,
        UserspaceDriver driver,
        Optional<String> previousDriver,
        Optional<String> previousDriverOverride,
        boolean changed) {

    /** Checks that no component is null. */
    public BindResult {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(previousDriver, "previousDriver");
        Objects.requireNonNull(previousDriverOverride, "previousDriverOverride");
    }
}
