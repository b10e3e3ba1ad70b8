package io.dmactl.cli.command;

import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.JsonMixin;
import io.dmactl.cli.VerboseMixin;
import io.dmactl.cli.host.BindingRecords;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.output.Json;
import io.dmactl.cli.output.JsonRecord;
import io.dmactl.vfio.pci.BindResult;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciBinder;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.UserspaceDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code dmactl unbind}: gives a device held by a userspace driver back to the host. */
@Command(name = "unbind",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        headerHeading = "",
        header = "Give a device back from vfio-pci/uio_pci_generic to the driver it had.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
                "If 'dmactl bind' recorded what the device had (driver and driver_override), exactly that is"
                        + " restored. Otherwise driver_override is cleared and the kernel probes the device,"
                        + " so its own driver (if any matches) takes it. A device already on a host driver is"
                        + " left alone. Needs root."},
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILURE_LINE, ExitCodes.USAGE_LINE, ExitCodes.NOT_FOUND_LINE,
                ExitCodes.PERMISSION_LINE, ExitCodes.UNAVAILABLE_LINE, ExitCodes.INTERNAL_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  sudo dmactl unbind 0000:00:03.0"})
public final class UnbindCommand implements Callable<Integer> {

    /** What {@code unbind} did, for {@code --json}. */
    public record UnbindReport(String address, Optional<String> releasedFrom, Optional<String> driverNow,
                               boolean changed, boolean restoredFromRecord) implements JsonRecord {
    }

    private final HostSystem host;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ADDR", converter = PciAddressConverter.class,
            description = "The PCI function, e.g. 0000:00:03.0 or 00:03.0.")
    private PciAddress address;

    @Mixin
    private JsonMixin json;

    @Mixin
    private VerboseMixin verbose;

    UnbindCommand(HostSystem host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public Integer call() {
        PciDevice before = host.sysfs().require(address);
        BindingRecords records = host.bindingRecords();
        Optional<BindResult> record = records.load(address);
        PciBinder binder = new PciBinder(host.sysfs(), host.sysfsWriter());
        boolean userspace = before.driver().isEmpty()
                || before.isBoundTo(UserspaceDriver.VFIO_PCI.sysfsName())
                || before.isBoundTo(UserspaceDriver.UIO_PCI_GENERIC.sysfsName());

        UnbindReport report;
        if (record.isPresent()) {
            PciDevice after = binder.restore(record.get());
            records.delete(address);
            report = new UnbindReport(address.toString(), before.driver(), after.driver(), true, true);
        } else if (userspace) {
            PciDevice after = binder.releaseToHost(address);
            boolean changed = !after.driver().equals(before.driver()) || before.driverOverride().isPresent();
            report = new UnbindReport(address.toString(), before.driver(), after.driver(), changed, false);
        } else {
            report = new UnbindReport(address.toString(), Optional.empty(), before.driver(), false, false);
        }
        print(report);
        return ExitCodes.OK;
    }

    private void print(UnbindReport report) {
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            out.println(Json.render(report));
        } else if (!report.changed()) {
            out.println(address + " is bound to " + report.driverNow().orElse("no driver")
                    + ", not to a userspace driver; nothing changed.");
        } else {
            out.println(address + ": released from " + report.releasedFrom().orElse("no driver") + "; now "
                    + report.driverNow().map(name -> "bound to " + name).orElse("without a driver")
                    + (report.restoredFromRecord() ? " (as before 'dmactl bind')" : "")
                    + (report.driverNow().isEmpty() && !report.restoredFromRecord()
                    ? " (no host driver claimed it)" : "") + ".");
        }
        out.flush();
    }
}
