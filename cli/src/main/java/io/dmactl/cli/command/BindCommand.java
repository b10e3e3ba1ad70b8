package io.dmactl.cli.command;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.JsonMixin;
import io.dmactl.cli.VerboseMixin;
import io.dmactl.cli.host.DeviceInUseException;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.host.HostUse;
import io.dmactl.cli.output.Json;
import io.dmactl.cli.output.JsonRecord;
import io.dmactl.vfio.pci.BindResult;
import io.dmactl.vfio.pci.IommuPolicy;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciBinder;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.UserspaceDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code dmactl bind}: hands a PCI function to a userspace driver, safely. */
@Command(name = "bind",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        headerHeading = "",
        header = "Give a PCI device to vfio-pci (or uio_pci_generic) so dmactl can drive it.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
                "Takes the device from its kernel driver and binds it to a userspace driver through"
                        + " driver_override, then checks that the kernel really bound it. Refused before"
                        + " anything is written when:",
                "  - the host uses the device: a filesystem on one of its disks is mounted, a",
                "    disk is swap or held by device-mapper/md, or one of its network",
                "    interfaces is up (--force overrides this, and only this);",
                "  - vfio-pci: the device has no IOMMU group, or its group holds other devices",
                "    bound to host drivers (VFIO takes a whole group or nothing);",
                "  - uio_pci_generic without --no-iommu: without an IOMMU the device could",
                "    write anywhere in memory;",
                "  - the driver module is not loaded (dmactl loads none: modprobe vfio-pci),",
                "    or the device is a bridge.",
                "What the device was bound to is recorded (under /run/dmactl) so 'dmactl unbind' restores"
                        + " it. Needs root."},
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILURE_LINE, ExitCodes.USAGE_LINE, ExitCodes.NOT_FOUND_LINE,
                ExitCodes.PERMISSION_LINE, ExitCodes.UNAVAILABLE_LINE, ExitCodes.REFUSED_LINE, ExitCodes.INTERNAL_LINE},
        footerHeading = "%nExamples:%n",
        footer = {
                "  sudo dmactl bind 0000:00:03.0            to vfio-pci",
                "  sudo dmactl bind 00:04.0 --driver uio_pci_generic --no-iommu",
                "                                           no IOMMU: you accept unprotected DMA",
                "  sudo dmactl bind 0000:00:04.0 --force    even though the host uses it"})
public final class BindCommand implements Callable<Integer> {

    /** What {@code bind} did, for {@code --json}. */
    public record BindReport(String address, String driver, Optional<String> previousDriver, boolean changed,
                             OptionalInt iommuGroup, Optional<String> vfioGroupDevice,
                             List<String> hostUsesOverridden) implements JsonRecord {
    }

    private final HostSystem host;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ADDR", converter = PciAddressConverter.class,
            description = "The PCI function, e.g. 0000:00:03.0 or 00:03.0 (see dmactl list --all).")
    private PciAddress address;

    @Option(names = {"-d", "--driver"}, paramLabel = "DRIVER", defaultValue = "vfio-pci",
            converter = UserspaceDriverConverter.class, completionCandidates = UserspaceDriverConverter.class,
            description = "vfio-pci (default: DMA isolated by the IOMMU) or uio_pci_generic (no isolation).")
    private UserspaceDriver driver;

    @Option(names = "--no-iommu",
            description = "Accept DMA without an IOMMU (required for uio_pci_generic): the device can then"
                    + " read and write all of memory, and a wrong address corrupts the kernel.")
    private boolean noIommu;

    @Option(names = {"-f", "--force"},
            description = "Bind even though the host is using the device (a mounted disk, an interface"
                    + " that is up). The host loses that use at once.")
    private boolean force;

    @Mixin
    private JsonMixin json;

    @Mixin
    private VerboseMixin verbose;

    BindCommand(HostSystem host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public Integer call() {
        if (noIommu && driver == UserspaceDriver.VFIO_PCI) {
            throw new DmactlException(ExitCodes.USAGE, "--no-iommu is only for --driver uio_pci_generic;"
                    + " vfio-pci always keeps DMA behind the IOMMU");
        }
        if (driver == UserspaceDriver.UIO_PCI_GENERIC && !noIommu) {
            throw new DmactlException(ExitCodes.REFUSED, "refusing to bind " + address + " to uio_pci_generic"
                    + " without --no-iommu: under UIO no IOMMU checks the device's DMA, so it can write anywhere"
                    + " in memory. Pass --no-iommu to accept that, or use vfio-pci");
        }
        IommuPolicy policy = noIommu ? IommuPolicy.ALLOW_NO_IOMMU : IommuPolicy.REQUIRE_IOMMU;
        PciBinder binder = new PciBinder(host.sysfs(), host.sysfsWriter());
        PciDevice device = host.sysfs().require(address);
        PrintWriter err = spec.commandLine().getErr();

        List<HostUse> overridden = List.of();
        if (!device.isBoundTo(driver.sysfsName())) {
            binder.checkBindable(address, driver, policy);
            if (device.driver().isPresent()) {
                List<HostUse> uses = host.hostUses().usesOf(address);
                if (!uses.isEmpty() && !force) {
                    throw new DeviceInUseException(address, device.driver().get(), uses);
                }
                overridden = uses;
                for (HostUse use : uses) {
                    err.println("dmactl bind: warning: --force: taking " + address + " although " + use.describe());
                }
            }
        }

        BindResult result = binder.bind(address, driver, policy);
        if (result.changed()) {
            try {
                host.bindingRecords().save(result);
            } catch (UncheckedIOException e) {
                err.println("dmactl bind: warning: " + e.getMessage()
                        + "; dmactl unbind will let the kernel pick the device's driver");
            }
        }
        err.flush();
        report(result, device, overridden);
        return ExitCodes.OK;
    }

    private void report(BindResult result, PciDevice device, List<HostUse> overridden) {
        PrintWriter out = spec.commandLine().getOut();
        Optional<String> vfioGroupDevice = driver == UserspaceDriver.VFIO_PCI && device.iommuGroup().isPresent()
                ? Optional.of("/dev/vfio/" + device.iommuGroup().getAsInt()) : Optional.empty();
        if (json.enabled()) {
            out.println(Json.render(new BindReport(address.toString(), driver.sysfsName(), result.previousDriver(),
                    result.changed(), device.iommuGroup(), vfioGroupDevice,
                    overridden.stream().map(HostUse::describe).toList())));
        } else if (!result.changed()) {
            out.println(address + " is already bound to " + driver + "; nothing changed.");
        } else {
            out.println(address + " is now bound to " + driver + " (was "
                    + result.previousDriver().map(name -> "bound to " + name).orElse("without a driver") + ")"
                    + vfioGroupDevice.map(path -> "; VFIO group " + path).orElse("") + ".");
            out.println("'dmactl unbind " + address + "' gives it back.");
        }
        out.flush();
    }
}
