package io.dmactl.cli.command;

import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.JsonMixin;
import io.dmactl.cli.VerboseMixin;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.host.HostUse;
import io.dmactl.cli.host.VfioReport;
import io.dmactl.cli.location.ByteCount;
import io.dmactl.cli.output.Json;
import io.dmactl.cli.output.JsonRecord;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.vfio.IovaRange;
import io.dmactl.vfio.IrqInfo;
import io.dmactl.vfio.RegionInfo;
import io.dmactl.vfio.SparseMmapArea;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.IommuPolicy;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciBindRefusedException;
import io.dmactl.vfio.pci.PciBinder;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciResource;
import io.dmactl.vfio.pci.PciSysfs;
import io.dmactl.vfio.pci.UserspaceDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code dmactl info}: everything dmactl knows about one PCI function. */
@Command(name = "info",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        headerHeading = "",
        header = "Show a PCI device: BARs, IOMMU group, and for vfio-pci devices the VFIO view.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
                "From sysfs: ids, class, driver, NUMA node, IOMMU group (members and viability), BARs with"
                        + " address, size and flags, the provider that drives it, and whether the host is using"
                        + " it (mounted disks, interfaces that are up).",
                "When the device is bound to vfio-pci, also what VFIO reports: device flags, every region"
                        + " (size, read/write/mmap, sparse-mmap areas), every IRQ index (vectors, eventfd,"
                        + " maskable) and the IOMMU's page sizes and valid IOVA ranges; and when a provider"
                        + " drives it, what its engine declares: ops, directions, limits, private memory. That"
                        + " opens the device and its engine (which quiesces the device), needs access to"
                        + " /dev/vfio and fails while another process holds the device's IOMMU group."},
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.USAGE_LINE, ExitCodes.NOT_FOUND_LINE, ExitCodes.UNAVAILABLE_LINE,
                ExitCodes.INTERNAL_LINE},
        footerHeading = "%nExamples:%n",
        footer = {
                "  dmactl info 0000:00:02.0",
                "  dmactl info 00:03.0 --json | jq '.bars[] | select(.index == 2) | .sizeBytes'",
                "  dmactl info 00:03.0 --json | jq '.vfio.validIovaRanges'",
                "  dmactl info 0000:00:04.0 --json | jq .engine.maxPrivateCopyBytes"})
public final class InfoCommand implements Callable<Integer> {

    /** One assigned BAR from sysfs. */
    public record BarEntry(int index, String start, long sizeBytes, String size, String flags) implements JsonRecord {
    }

    /** One region as VFIO reports it. */
    public record RegionEntry(int index, String name, long sizeBytes, String fileOffset, boolean readable,
                              boolean writable, boolean mappable, List<String> sparseMmapAreas) implements JsonRecord {
    }

    /** One IRQ index as VFIO reports it. */
    public record IrqEntry(int index, String name, int count, boolean eventfd, boolean maskable, boolean automasked)
            implements JsonRecord {
    }

    /** One valid IOVA range, both ends inclusive, in hex (they can reach 2^64-1). */
    public record IovaRangeEntry(String start, String end) implements JsonRecord {
    }

    /** The VFIO view of a vfio-pci device. */
    public record VfioSection(String groupDevice, boolean pci, boolean canReset, List<RegionEntry> regions,
                              List<IrqEntry> irqs, List<String> iommuPageSizes, List<IovaRangeEntry> validIovaRanges,
                              OptionalLong dmaMappingsAvailable) implements JsonRecord {
    }

    /** A private space an engine declared. */
    public record SpaceEntry(String name, long lengthBytes, int granularityBytes) implements JsonRecord {
    }

    /** What the device's engine declared when it was opened. */
    public record EngineSection(String name, String provider, List<String> ops, List<String> directions,
                                List<String> reaches, String addressing, String execution, int maxTransferBytes,
                                int alignmentBytes, int dmaMaskBits, int maxSgEntries, int ringSize, int channelCount,
                                boolean interrupts, boolean inOrderCompletion, boolean requiresOwnPrivateEnd,
                                int maxPrivateCopyBytes, List<SpaceEntry> privateSpaces)
            implements JsonRecord {
    }

    /** All of {@code info}. */
    public record DeviceReport(String address, String ids, String subsystemIds, String className, String classCode,
                             int revision, Optional<String> driver, Optional<String> driverOverride,
                             OptionalInt numaNode, OptionalInt iommuGroup, Optional<Boolean> groupViable,
                             List<String> groupMembers, List<BarEntry> bars, Optional<String> provider,
                             List<String> hostUses, Optional<VfioSection> vfio, Optional<String> vfioUnavailable,
                             Optional<EngineSection> engine, Optional<String> engineUnavailable)
            implements JsonRecord {
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

    InfoCommand(HostSystem host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public Integer call() {
        DeviceReport info = gather();
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            out.println(Json.render(info));
        } else {
            InfoText.print(out, info);
            // A DSA function bound to idxd: its work queues (sysfs links bus/dsa/devices/dsaN into the function's directory).
            DsaQueuesText.print(out, DsaQueuesText.scan(host.sysfs().root()).stream()
                    .filter(dsa -> address.toString().equals(dsa.pciAddress())).toList());
        }
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * What {@code dmactl bind} would do for this device: bind it, or refuse (and why), checked
     * the way bind checks, without writing anything. Info never suggests a bind that bind refuses.
     */
    private String bindAdvice(PciSysfs sysfs, PciDevice device) {
        try {
            new PciBinder(sysfs, host.sysfsWriter()).checkBindable(address, UserspaceDriver.VFIO_PCI, IommuPolicy.REQUIRE_IOMMU);
        } catch (PciBindRefusedException refused) {
            return "'dmactl bind' would refuse: " + refused.getMessage();
        }
        List<HostUse> uses = host.hostUses().usesOf(address);
        if (device.driver().isPresent() && !uses.isEmpty()) {
            return "'dmactl bind' would refuse: the host uses it ("
                + uses.stream().map(HostUse::describe).collect(java.util.stream.Collectors.joining("; "))
                + "); only 'dmactl bind --force' takes it";
        }
        return "dmactl bind " + address + " binds it";
    }

    private DeviceReport gather() {
        PciSysfs sysfs = host.sysfs();
        PciDevice device = sysfs.require(address);
        List<String> members = List.of();
        Optional<Boolean> viable = Optional.empty();
        if (device.iommuGroup().isPresent()) {
            members = sysfs.iommuGroupMembers(device.iommuGroup().getAsInt()).stream()
                    .map(member -> member + " (" + sysfs.find(member).flatMap(PciDevice::driver).orElse("no driver") + ")")
                    .toList();
            viable = Optional.of(sysfs.vfioBlockers(address).isEmpty());
        }
        List<BarEntry> bars = new ArrayList<>();
        for (PciResource resource : device.resources()) {
            if (resource.isBar()) {
                bars.add(new BarEntry(resource.index(), String.format("0x%016x", resource.startAddress()),
                        resource.sizeBytes(), ByteCount.format(resource.sizeBytes()), resource.flagsDescription()));
            }
        }
        List<String> uses = host.hostUses().usesOf(address).stream().map(HostUse::describe).toList();
        Optional<VfioSection> vfio = Optional.empty();
        Optional<String> vfioUnavailable;
        if (!device.isBoundTo(UserspaceDriver.VFIO_PCI.sysfsName())) {
            vfioUnavailable = Optional.of("not bound to vfio-pci (" + bindAdvice(sysfs, device) + ")");
        } else if (device.iommuGroup().isEmpty()) {
            vfioUnavailable = Optional.of("no IOMMU group");
        } else {
            vfioUnavailable = Optional.empty();
            try {
                vfio = Optional.of(vfioSection(device.iommuGroup().getAsInt(), host.vfio().inspect(device)));
            } catch (RuntimeException e) {
                vfioUnavailable = Optional.of(String.valueOf(e.getMessage()));
            }
        }
        Optional<DmaProvider> provider = host.providers().providerFor(device);
        Optional<EngineSection> engine = Optional.empty();
        Optional<String> engineUnavailable;
        if (provider.isEmpty()) {
            engineUnavailable = Optional.of("no provider drives " + device.ids());
        } else if (vfio.isEmpty()) {
            engineUnavailable = Optional.of("the engine opens through VFIO: " + vfioUnavailable.orElse("unavailable"));
        } else {
            engineUnavailable = Optional.empty();
            try {
                engine = Optional.of(engineSection(host.engines().inspect(device, provider.get())));
            } catch (RuntimeException e) {
                engineUnavailable = Optional.of(String.valueOf(e.getMessage()));
            }
        }
        return new DeviceReport(address.toString(), device.ids(),
                String.format("%04x:%04x", device.subsystemVendorId(), device.subsystemDeviceId()),
                device.className(), String.format("0x%06x", device.classCode()), device.revision(),
                device.driver(), device.driverOverride(), device.numaNode(), device.iommuGroup(), viable, members,
                bars, provider.map(DmaProvider::name), uses, vfio, vfioUnavailable, engine, engineUnavailable);
    }

    private static EngineSection engineSection(EngineInfo info) {
        EngineCapabilities caps = info.capabilities();
        return new EngineSection(info.name(), info.provider(), names(caps.ops()), names(caps.directions()),
                names(caps.reaches()), lower(caps.addressing()), lower(caps.execution()), caps.maxTransferBytes(),
                caps.alignmentBytes(), caps.dmaMaskBits(), caps.maxSgEntries(), caps.ringSize(), caps.channelCount(),
                caps.interrupts(), caps.inOrderCompletion(), caps.requiresOwnPrivateEnd(), caps.maxPrivateCopyBytes(),
                info.privateSpaces().stream().map(space -> new SpaceEntry(
                        space.name().substring(space.name().indexOf(' ') + 1), space.lengthBytes(),
                        space.granularityBytes())).toList());
    }

    private static List<String> names(Set<? extends Enum<?>> values) {
        return values.stream().map(InfoCommand::lower).toList();
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static VfioSection vfioSection(int group, VfioReport report) {
        List<RegionEntry> regions = new ArrayList<>();
        for (RegionInfo region : report.regions()) {
            regions.add(new RegionEntry(region.index(), regionName(region.index()), region.sizeBytes(),
                    "0x" + Long.toHexString(region.fileOffset()), region.readable(), region.writable(),
                    region.mappable(), region.sparseMmapAreas().stream().map(InfoCommand::describeArea).toList()));
        }
        List<IrqEntry> irqs = new ArrayList<>();
        for (IrqInfo irq : report.irqs()) {
            irqs.add(new IrqEntry(irq.index(), irqName(irq.index()), irq.count(), irq.eventFdCapable(),
                    irq.maskable(), irq.automasked()));
        }
        List<String> pageSizes = new ArrayList<>();
        long sizes = report.iommu().iovaPageSizes();
        for (int bit = 0; bit < Long.SIZE; bit++) {
            if ((sizes & (1L << bit)) != 0) {
                pageSizes.add(bit == 63 ? "2^63" : ByteCount.format(1L << bit));
            }
        }
        List<IovaRangeEntry> ranges = new ArrayList<>();
        for (IovaRange range : report.iommu().validIovaRanges()) {
            ranges.add(new IovaRangeEntry("0x" + Long.toHexString(range.start()), "0x" + Long.toHexString(range.endInclusive())));
        }
        return new VfioSection("/dev/vfio/" + group, report.device().isPci(), report.device().canReset(), regions, irqs,
                pageSizes, ranges, report.iommu().dmaMappingsAvailable());
    }

    private static String describeArea(SparseMmapArea area) {
        return "0x" + Long.toHexString(area.offset()) + "+" + ByteCount.format(area.sizeBytes());
    }

    private static String regionName(int index) {
        if (index >= VfioDevice.BAR0_REGION && index <= VfioDevice.BAR5_REGION) {
            return "BAR" + (index - VfioDevice.BAR0_REGION);
        }
        if (index == VfioDevice.ROM_REGION) {
            return "ROM";
        }
        if (index == VfioDevice.CONFIG_REGION) {
            return "config";
        }
        if (index == VfioDevice.VGA_REGION) {
            return "VGA";
        }
        return "device-specific";
    }

    private static String irqName(int index) {
        if (index == VfioDevice.INTX) {
            return "INTx";
        }
        if (index == VfioDevice.MSI) {
            return "MSI";
        }
        if (index == VfioDevice.MSIX) {
            return "MSI-X";
        }
        // vfio-pci's further indexes: error reporting, then device request.
        return switch (index) {
            case 3 -> "ERR";
            case 4 -> "REQ";
            default -> "index " + index;
        };
    }
}
