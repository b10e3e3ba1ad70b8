package io.dmactl.vfio.pci;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Moves PCI devices between host drivers and the userspace drivers (vfio-pci,
 * uio_pci_generic) through sysfs, and back.
 *
 * <p>A bind is three writes, in this order:
 * <ol>
 *   <li>{@code bus/pci/devices/<addr>/driver_override} &larr; the target driver, so that from
 *       now on only it may claim the device (it also stops the old driver from re-claiming it);</li>
 *   <li>{@code bus/pci/drivers/<old>/unbind} &larr; the address, if some driver holds the device;</li>
 *   <li>{@code bus/pci/drivers_probe} &larr; the address: the kernel probes, and the override
 *       makes it pick the target.</li>
 * </ol>
 * Then the {@code driver} link is read back to check the kernel really bound it. Restoring
 * writes the old {@code driver_override} back (a newline clears it), unbinds, and probes again,
 * so the kernel picks the device's own driver.
 *
 * <p>Every refusal (unknown device, driver not loaded, no IOMMU, IOMMU group in use by host
 * drivers, bridge) happens before the first write. No kernel module is loaded here: the
 * message says which {@code modprobe} to run.
 */
public final class PciBinder {

    private static final String CLEAR_OVERRIDE = "\n";

    private final PciSysfs sysfs;
    private final SysfsWriter writer;

    /**
     * Writes into the sysfs tree of {@code sysfs} directly.
     *
     * @param sysfs the sysfs tree the devices are in
     */
    public PciBinder(PciSysfs sysfs) {
        this(sysfs, SysfsWriter.direct());
    }

    /**
     * Makes every write through {@code writer} (for recording, dry runs or tests).
     *
     * @param sysfs the sysfs tree the devices are in
     * @param writer where every write goes
     */
    public PciBinder(PciSysfs sysfs, SysfsWriter writer) {
        this.sysfs = Objects.requireNonNull(sysfs, "sysfs");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /**
     * {@link #bind(PciAddress, UserspaceDriver, IommuPolicy)} requiring an IOMMU.
     *
     * @param address the device's address
     * @param driver the userspace driver to bind to
     * @return what was done, and what to restore
     */
    public BindResult bind(PciAddress address, UserspaceDriver driver) {
        return bind(address, driver, IommuPolicy.REQUIRE_IOMMU);
    }

    /**
     * Binds the device to {@code driver}. Does nothing (and says so in the result) if it is
     * bound to it already.
     *
     * @param address the device's address
     * @param driver the userspace driver to bind to
     * @param policy whether an IOMMU is required
     * @return what was done, and what to restore
     * @throws NoSuchPciDeviceException when there is no such device; nothing written
     * @throws PciBindRefusedException  when the bind is not allowed; nothing written
     * @throws PciPermissionException   when not root; nothing written
     * @throws PciBindFailedException   when the kernel did not end up binding it; the earlier
     *                                  state has been put back where possible (the message says)
     */
    public BindResult bind(PciAddress address, UserspaceDriver driver, IommuPolicy policy) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(policy, "policy");
        PciDevice device = sysfs.require(address);
        checkBindable(device, driver, policy);
        Optional<String> previousDriver = device.driver();
        Optional<String> previousOverride = device.driverOverride();
        if (device.isBoundTo(driver.sysfsName())) {
            return new BindResult(address, driver, previousDriver, previousOverride, false);
        }

        // A failure here changed nothing, so it needs no rollback.
        write(overridePath(address), driver.sysfsName());
        try {
            if (previousDriver.isPresent()) {
                write(unbindPath(previousDriver.get()), address.toString());
            }
            write(sysfs.driversProbePath(), address.toString());
        } catch (PciException e) {
            throw rolledBack(address, "binding " + address + " to " + driver + " failed: " + e.getMessage(),
                    e, previousDriver, previousOverride);
        }
        PciDevice bound = sysfs.require(address);
        if (!bound.isBoundTo(driver.sysfsName())) {
            throw rolledBack(address, "the kernel did not bind " + address + " to " + driver
                            + " (bound to " + describe(bound.driver()) + " after the probe); see dmesg for why",
                    null, previousDriver, previousOverride);
        }
        return new BindResult(address, driver, previousDriver, previousOverride, true);
    }

    /**
     * Checks whether {@link #bind} would be allowed, without writing anything.
     *
     * @param address the device's address
     * @param driver the userspace driver to bind to
     * @param policy whether an IOMMU is required
     * @throws PciBindRefusedException saying why not
     */
    public void checkBindable(PciAddress address, UserspaceDriver driver, IommuPolicy policy) {
        checkBindable(sysfs.require(address), driver, policy);
    }

    /**
     * Puts the device back as {@code result} found it: the old {@code driver_override}, and
     * the old driver (or none) through a fresh probe.
     *
     * @param result the result of the bind to undo
     * @return the device as it is now
     * @throws PciBindFailedException when the kernel did not bind the old driver again
     */
    public PciDevice restore(BindResult result) {
        Objects.requireNonNull(result, "result");
        if (!result.changed()) {
            return sysfs.require(result.address());
        }
        try {
            return returnTo(result.address(), result.previousDriver(), result.previousDriverOverride());
        } catch (PciPermissionException e) {
            throw e;
        } catch (PciException e) {
            throw new PciBindFailedException(result.address(), "restoring " + result.address() + " to "
                    + describe(result.previousDriver()) + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Detaches the device from its driver and leaves it unbound ({@code driver_override} is
     * left as it is, so a later probe binds only the overriding driver).
     *
     * @param address the device's address
     * @return the driver it was bound to, empty if it was unbound already (then nothing is written)
     */
    public Optional<String> unbind(PciAddress address) {
        PciDevice device = sysfs.require(address);
        if (device.driver().isEmpty()) {
            return Optional.empty();
        }
        write(unbindPath(device.driver().get()), address.toString());
        PciDevice after = sysfs.require(address);
        if (after.driver().isPresent()) {
            throw new PciBindFailedException(address, "unbinding " + address + " from "
                    + device.driver().get() + " did not take: it is bound to " + after.driver().get(), null);
        }
        return device.driver();
    }

    /**
     * Gives a device held by a userspace driver back to the host when no {@link BindResult}
     * is at hand (e.g. bound by an earlier process): clears {@code driver_override} and, if the
     * device is unbound or bound to a userspace driver, unbinds it and lets the kernel probe
     * for its own driver. A device already bound to a host driver only has the override cleared.
     *
     * @param address the device's address
     * @return the device as it is now (its driver may be empty if no host driver matches it)
     */
    public PciDevice releaseToHost(PciAddress address) {
        PciDevice device = sysfs.require(address);
        if (device.driverOverride().isPresent()) {
            write(overridePath(address), CLEAR_OVERRIDE);
        }
        boolean heldByUserspace = device.driver().isEmpty()
                || device.isBoundTo(UserspaceDriver.VFIO_PCI.sysfsName())
                || device.isBoundTo(UserspaceDriver.UIO_PCI_GENERIC.sysfsName());
        if (heldByUserspace) {
            if (device.driver().isPresent()) {
                write(unbindPath(device.driver().get()), address.toString());
            }
            write(sysfs.driversProbePath(), address.toString());
        }
        return sysfs.require(address);
    }

    private void checkBindable(PciDevice device, UserspaceDriver driver, IommuPolicy policy) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(policy, "policy");
        PciAddress address = device.address();
        if (device.isBridge()) {
            throw new PciBindRefusedException(address, PciBindRefusedException.Reason.BRIDGE,
                    "refusing to bind " + address + " to " + driver + ": it is a " + device.className()
                            + String.format(" (class 0x%06x)", device.classCode())
                            + "; bridges stay with the kernel, bind a device behind it instead");
        }
        if (driver == UserspaceDriver.VFIO_PCI && device.iommuGroup().isEmpty()) {
            throw new PciBindRefusedException(address, PciBindRefusedException.Reason.NO_IOMMU_GROUP,
                    "refusing to bind " + address + " to vfio-pci: it has no IOMMU group ("
                            + sysfs.devicePath(address).resolve("iommu_group") + " does not exist), so no IOMMU"
                            + " can isolate its DMA. Enable the IOMMU (intel_iommu=on or amd_iommu=on on the"
                            + " kernel command line, VT-d/AMD-Vi in firmware), or use uio_pci_generic with an"
                            + " explicit opt-in to DMA without an IOMMU");
        }
        if (driver == UserspaceDriver.UIO_PCI_GENERIC && policy != IommuPolicy.ALLOW_NO_IOMMU) {
            String hint = device.iommuGroup().isPresent()
                    ? " This device has IOMMU group " + device.iommuGroup().getAsInt() + ": prefer vfio-pci."
                    : "";
            throw new PciBindRefusedException(address, PciBindRefusedException.Reason.NO_IOMMU_NOT_ACCEPTED,
                    "refusing to bind " + address + " to uio_pci_generic without an explicit opt-in:"
                            + " under UIO no IOMMU checks the device's DMA, so it can write anywhere in memory."
                            + hint);
        }
        if (!sysfs.driverLoaded(driver.sysfsName())) {
            throw new PciBindRefusedException(address, PciBindRefusedException.Reason.DRIVER_NOT_LOADED,
                    "cannot bind " + address + " to " + driver + ": the driver is not loaded ("
                            + sysfs.driverPath(driver.sysfsName()) + " does not exist); load it with 'modprobe "
                            + driver.sysfsName() + "' (dmactl loads no kernel modules itself)");
        }
        if (driver == UserspaceDriver.VFIO_PCI) {
            List<PciDevice> blockers = sysfs.vfioBlockers(address);
            if (!blockers.isEmpty()) {
                String names = blockers.stream()
                        .map(peer -> peer.address() + " (" + peer.driver().orElseThrow() + ")")
                        .collect(Collectors.joining(", "));
                throw new PciBindRefusedException(address, PciBindRefusedException.Reason.GROUP_NOT_VIABLE,
                        blockers, "refusing to bind " + address + " to vfio-pci: its IOMMU group "
                        + device.iommuGroup().getAsInt() + " also holds devices bound to host drivers: " + names
                        + ". VFIO can only use a group whose other devices are unbound or bound to vfio-pci"
                        + " (pci-stub and pcieport are fine too); unbind or bind those first");
            }
        }
    }

    /**
     * Sets the override back, unbinds whatever holds the device if it is not {@code driver},
     * and probes so the kernel binds {@code driver} again.
     */
    private PciDevice returnTo(PciAddress address, Optional<String> driver, Optional<String> override) {
        write(overridePath(address), override.orElse(CLEAR_OVERRIDE));
        PciDevice now = sysfs.require(address);
        if (now.driver().equals(driver)) {
            return now;
        }
        if (now.driver().isPresent()) {
            write(unbindPath(now.driver().get()), address.toString());
        }
        if (driver.isPresent()) {
            write(sysfs.driversProbePath(), address.toString());
        }
        PciDevice after = sysfs.require(address);
        if (!after.driver().equals(driver)) {
            throw new PciException("after the probe " + address + " is bound to " + describe(after.driver())
                    + ", not " + describe(driver) + "; see dmesg for why");
        }
        return after;
    }

    private PciBindFailedException rolledBack(PciAddress address, String failure, PciException cause,
                                              Optional<String> previousDriver, Optional<String> previousOverride) {
        String outcome;
        PciException rollbackFailure = null;
        try {
            returnTo(address, previousDriver, previousOverride);
            outcome = "; rolled back: driver_override is " + previousOverride.orElse("unset") + " again and the device is "
                    + (previousDriver.isPresent() ? "bound to " + previousDriver.get() : "unbound") + " again";
        } catch (PciException e) {
            rollbackFailure = e;
            outcome = "; rolling back failed too (" + e.getMessage() + "): check "
                    + sysfs.devicePath(address) + " by hand";
        }
        PciBindFailedException failed = new PciBindFailedException(address, failure + outcome, cause);
        if (rollbackFailure != null) {
            failed.addSuppressed(rollbackFailure);
        }
        return failed;
    }

    private void write(Path attribute, String value) {
        try {
            writer.write(attribute, value);
        } catch (AccessDeniedException e) {
            throw new PciPermissionException(attribute, "writing", e);
        } catch (FileSystemException e) {
            // EPERM (e.g. missing CAP_SYS_ADMIN) arrives as a plain FileSystemException.
            if ("Operation not permitted".equals(e.getReason())) {
                throw new PciPermissionException(attribute, "writing", e);
            }
            throw writeFailure(attribute, value, e);
        } catch (IOException e) {
            throw writeFailure(attribute, value, e);
        }
    }

    private static PciException writeFailure(Path attribute, String value, IOException e) {
        return new PciException("writing '" + value.strip() + "' to " + attribute + " failed: " + e, e);
    }

    private Path overridePath(PciAddress address) {
        return sysfs.devicePath(address).resolve("driver_override");
    }

    private Path unbindPath(String driver) {
        return sysfs.driverPath(driver).resolve("unbind");
    }

    private static String describe(Optional<String> driver) {
        return driver.orElse("no driver");
    }
}
