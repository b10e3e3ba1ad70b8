package io.dmactl.cli.command;

import io.dmactl.cli.command.InfoCommand.DeviceReport;
import io.dmactl.cli.command.InfoCommand.EngineSection;
import io.dmactl.cli.command.InfoCommand.IrqEntry;
import io.dmactl.cli.command.InfoCommand.RegionEntry;
import io.dmactl.cli.command.InfoCommand.SpaceEntry;
import io.dmactl.cli.command.InfoCommand.VfioSection;
import io.dmactl.cli.location.ByteCount;
import io.dmactl.cli.output.Table;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The text form of {@code dmactl info}: a header block, the BARs, the VFIO view, the engine. */
final class InfoText {

    private InfoText() {
    }

    static void print(PrintWriter out, DeviceReport info) {
        out.println(info.address() + "  " + info.ids() + "  " + info.className() + " (class " + info.classCode()
                + ", rev " + info.revision() + ")");
        out.println("  subsystem    " + info.subsystemIds());
        out.println("  driver       " + info.driver().orElse("none")
                + info.driverOverride().map(value -> " (driver_override " + value + ")").orElse(""));
        out.println("  NUMA node    " + (info.numaNode().isPresent() ? info.numaNode().getAsInt() : "-"));
        out.println("  IOMMU group  " + (info.iommuGroup().isPresent()
                ? info.iommuGroup().getAsInt() + (info.groupViable().orElse(false) ? ", viable" : ", not viable")
                + "; members: " + String.join(", ", info.groupMembers())
                : "none (no IOMMU: vfio-pci cannot take it)"));
        out.println("  provider     " + info.provider().orElse("none"));
        out.println("  host use     " + (info.hostUses().isEmpty() ? "none found" : String.join("; ", info.hostUses())));
        out.println();
        if (info.bars().isEmpty()) {
            out.println("BARs: none assigned");
        } else {
            out.println("BARs:");
            Table bars = new Table("  BAR", "START", "SIZE", "FLAGS");
            info.bars().forEach(bar -> bars.row("  " + bar.index(), bar.start(), bar.size(), bar.flags()));
            bars.print(out);
        }
        out.println();
        if (info.vfio().isEmpty()) {
            out.println("VFIO: " + info.vfioUnavailable().orElse("unavailable"));
            return;
        }
        printVfio(out, info.vfio().get());
        out.println();
        if (info.engine().isEmpty()) {
            out.println("Engine: " + info.engineUnavailable().orElse("unavailable"));
            return;
        }
        printEngine(out, info.address(), info.engine().get());
    }

    private static void printEngine(PrintWriter out, String address, EngineSection engine) {
        out.println("Engine " + engine.name() + " (provider " + engine.provider() + ", " + engine.execution() + ", "
                + engine.addressing() + " addressing)");
        out.println("  ops          " + String.join(" ", engine.ops()));
        out.println("  directions   " + String.join(" ", engine.directions()));
        out.println("  reaches      " + String.join(" ", engine.reaches()));
        out.println("  max transfer " + engine.maxTransferBytes() + " bytes, alignment " + engine.alignmentBytes()
                + ", DMA mask " + engine.dmaMaskBits() + " bits, " + engine.maxSgEntries() + " SG entries");
        out.println("  channels     " + engine.channelCount() + " x ring " + engine.ringSize()
                + (engine.interrupts() ? ", interrupts" : ", polled") + (engine.inOrderCompletion() ? ", in order" : ""));
        out.println("  private copy " + (engine.maxPrivateCopyBytes() > 0
                ? "within private memory, up to " + engine.maxPrivateCopyBytes() + " bytes per op (longer ones are split)"
                : "none (nothing is copied from private memory to private memory)"));
        if (engine.requiresOwnPrivateEnd()) {
            out.println("  ends         every op has one end in this engine's private memory");
        }
        for (SpaceEntry space : engine.privateSpaces()) {
            out.println("  private      " + space.name() + ": " + space.lengthBytes() + " bytes, granularity "
                    + space.granularityBytes() + " (as a location: " + address + "/dev:" + space.name() + "+0)");
        }
    }

    private static void printVfio(PrintWriter out, VfioSection vfio) {
        out.println("VFIO (" + vfio.groupDevice() + "): " + (vfio.pci() ? "PCI device" : "device")
                + (vfio.canReset() ? ", can reset" : ", no reset method"));
        Table regions = new Table("  REGION", "NAME", "SIZE", "OFFSET", "ACCESS", "SPARSE MMAP");
        for (RegionEntry region : vfio.regions()) {
            if (region.sizeBytes() == 0) {
                continue;
            }
            String access = (region.readable() ? "r" : "-") + (region.writable() ? "w" : "-") + (region.mappable() ? "m" : "-");
            regions.row("  " + region.index(), region.name(), ByteCount.format(region.sizeBytes()), region.fileOffset(),
                    access, region.sparseMmapAreas().isEmpty() ? "-" : String.join(" ", region.sparseMmapAreas()));
        }
        regions.print(out);
        Table irqs = new Table("  IRQ", "NAME", "VECTORS", "FLAGS");
        for (IrqEntry irq : vfio.irqs()) {
            List<String> flags = new ArrayList<>();
            if (irq.eventfd()) {
                flags.add("eventfd");
            }
            if (irq.maskable()) {
                flags.add("maskable");
            }
            if (irq.automasked()) {
                flags.add("automasked");
            }
            irqs.row("  " + irq.index(), irq.name(), Integer.toString(irq.count()), flags.isEmpty() ? "-" : String.join(" ", flags));
        }
        irqs.print(out);
        out.println("IOMMU page sizes: " + String.join(" ", vfio.iommuPageSizes()));
        out.println("Valid IOVA ranges: " + (vfio.validIovaRanges().isEmpty() ? "not reported"
                : String.join(", ", vfio.validIovaRanges().stream().map(r -> r.start() + "-" + r.end()).toList())));
        vfio.dmaMappingsAvailable().ifPresent(count -> out.println("DMA mappings available: " + count));
    }
}
