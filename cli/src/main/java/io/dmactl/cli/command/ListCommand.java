package io.dmactl.cli.command;

import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.JsonMixin;
import io.dmactl.cli.VerboseMixin;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.host.ProviderCatalog;
import io.dmactl.cli.output.Json;
import io.dmactl.cli.output.JsonRecord;
import io.dmactl.cli.output.Table;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.provider.dsa.DsaProvider;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciSysfs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code dmactl list}: the DMA engines this machine offers, hardware and software. */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        headerHeading = "",
        header = "List PCI devices a DMA provider can drive, and the software engines.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
                "For each PCI function a provider declares it drives: its address, vendor:device ids, class,"
                        + " the kernel driver bound to it now, its IOMMU group and whether that group is viable"
                        + " for VFIO (no other device in it held by a host driver), and the provider. With --all,"
                        + " every PCI function. Reads sysfs only: changes nothing, needs no root."},
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.UNAVAILABLE_LINE, ExitCodes.INTERNAL_LINE},
        footerHeading = "%nExamples:%n",
        footer = {
                "  dmactl list            devices with a provider, then the software engines",
                "  dmactl list --all -v   every PCI function, with subsystem ids, NUMA node",
                "                         and the devices that block each IOMMU group",
                "  dmactl list --json | jq -r '.devices[] | .address + \" \" + .provider'"})
public final class ListCommand implements Callable<Integer> {

    /** One PCI function, as {@code list} reports it. */
    public record DeviceEntry(
            String address,
            String ids,
            String subsystemIds,
            String className,
            String classCode,
            Optional<String> driver,
            OptionalInt iommuGroup,
            Optional<Boolean> groupViable,
            List<String> groupBlockers,
            OptionalInt numaNode,
            Optional<String> provider) implements JsonRecord {
    }

    /** The whole listing. */
    public record Listing(boolean iommuPresent, List<DeviceEntry> devices, List<String> softwareEngines,
                          List<String> providers) implements JsonRecord {
    }

    private final HostSystem host;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-a", "--all"}, description = "List every PCI function, not only those a provider drives.")
    private boolean all;

    @Mixin
    private JsonMixin json;

    @Mixin
    private VerboseMixin verbose;

    ListCommand(HostSystem host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public Integer call() {
        Listing listing = listing();
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            out.println(Json.render(listing));
        } else {
            printText(out, listing);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private Listing listing() {
        PciSysfs sysfs = host.sysfs();
        ProviderCatalog catalog = host.providers();
        List<DeviceEntry> entries = new ArrayList<>();
        for (PciDevice device : sysfs.devices()) {
            Optional<String> provider = catalog.providerFor(device).map(DmaProvider::name);
            if (!all && provider.isEmpty()) {
                continue;
            }
            Optional<Boolean> viable = Optional.empty();
            List<String> blockers = List.of();
            if (device.iommuGroup().isPresent()) {
                blockers = sysfs.vfioBlockers(device.address()).stream()
                        .map(blocker -> blocker.address() + " (" + blocker.driver().orElse("no driver") + ")")
                        .toList();
                viable = Optional.of(blockers.isEmpty());
            }
            entries.add(new DeviceEntry(
                    device.address().toString(),
                    device.ids(),
                    String.format("%04x:%04x", device.subsystemVendorId(), device.subsystemDeviceId()),
                    device.className(),
                    String.format("0x%06x", device.classCode()),
                    device.driver(),
                    device.iommuGroup(),
                    viable,
                    blockers,
                    device.numaNode(),
                    provider));
        }
        // dsa needs no vfio device but is no software engine: its queues are listed below.
        List<String> software = catalog.softwareProviders().stream().map(DmaProvider::name)
                .filter(name -> !name.equals(DsaProvider.NAME)).toList();
        return new Listing(sysfs.iommuPresent(), entries, software, catalog.names());
    }

    private void printText(PrintWriter out, Listing listing) {
        boolean details = verbose.isVerbose();
        if (listing.devices().isEmpty()) {
            out.println(all ? "No PCI functions in sysfs." : "No PCI device here is one a DMA provider drives"
                    + " (providers: " + (listing.providers().isEmpty() ? "none" : String.join(", ", listing.providers()))
                    + "). 'dmactl list --all' shows every PCI function.");
        } else {
            Table table = details
                    ? new Table("ADDRESS", "IDS", "SUBSYSTEM", "CLASS", "DRIVER", "NUMA", "IOMMU GROUP", "PROVIDER", "GROUP BLOCKERS")
                    : new Table("ADDRESS", "IDS", "CLASS", "DRIVER", "IOMMU GROUP", "PROVIDER");
            for (DeviceEntry device : listing.devices()) {
                String group = device.iommuGroup().isPresent()
                        ? device.iommuGroup().getAsInt() + (device.groupViable().orElse(false) ? " viable" : " not viable")
                        : "none";
                String driver = device.driver().orElse("-");
                String provider = device.provider().orElse("-");
                if (details) {
                    table.row(device.address(), device.ids(), device.subsystemIds(), device.className(), driver,
                            device.numaNode().isPresent() ? Integer.toString(device.numaNode().getAsInt()) : "-",
                            group, provider, device.groupBlockers().isEmpty() ? "-" : String.join(", ", device.groupBlockers()));
                } else {
                    table.row(device.address(), device.ids(), device.className(), driver, group, provider);
                }
            }
            table.print(out);
        }
        if (!listing.iommuPresent()) {
            out.println();
            out.println("No IOMMU is active, so no device has an IOMMU group and vfio-pci cannot take any:"
                    + " enable VT-d/AMD-Vi in firmware and boot with intel_iommu=on or amd_iommu=on.");
        }
        out.println();
        out.println("Software engines: " + (listing.softwareEngines().isEmpty()
                ? "none (no software provider on the class path)"
                : listing.softwareEngines().stream().collect(Collectors.joining(", "))));
        DsaQueuesText.print(out, DsaQueuesText.scan(host.sysfs().root()));
    }
}
