package io.dmactl.cli.command;

import io.dmactl.cli.output.Table;
import io.dmactl.provider.dsa.DsaProvider;
import io.dmactl.provider.dsa.DsaSysfs;
import io.dmactl.provider.dsa.WorkQueueInfo;
import io.dmactl.vfio.PortalStores;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * The DSA devices and work queues the idxd driver shows under {@code <sysfs>/bus/dsa/devices}, for
 * {@code list} and {@code info}: mode, size, type, state, and which path dmactl would use and why.
 * Prints nothing when there is no DSA device.
 */
final class DsaQueuesText {
    private DsaQueuesText() {
    }

    static List<DsaSysfs.Device> scan(Path sysfsRoot) {
        return DsaSysfs.scan(sysfsRoot.resolve("bus/dsa/devices"));
    }

    /** The path dmactl would use for a queue, and why (or why none). */
    static String path(WorkQueueInfo wq) {
        String unusable = wq.unusableReason();
        if (unusable != null) {
            return "none: " + unusable;
        }
        PortalStores.Features cpu = PortalStores.features();
        return "provider " + DsaProvider.NAME + ", write(2) on " + wq.devicePath() + " (kernel submits; CPU "
            + (cpu.movdir64b() ? "has" : "lacks") + " MOVDIR64B)";
    }

    static void print(PrintWriter out, List<DsaSysfs.Device> devices) {
        if (devices.isEmpty()) {
            return;
        }
        out.println();
        out.println("DSA work queues (idxd driver, /sys/bus/dsa):");
        Table table = new Table("DEVICE", "PCI", "STATE", "WQ", "MODE", "SIZE", "TYPE", "WQ STATE", "DMACTL PATH");
        for (DsaSysfs.Device d : devices) {
            if (d.workQueues().isEmpty()) {
                table.row(d.name(), orDash(d.pciAddress()), d.state(), "-", "-", "-", "-", "-", "none: no work queue");
            }
            for (WorkQueueInfo wq : d.workQueues()) {
                table.row(d.name(), orDash(d.pciAddress()), d.state(), wq.name(), wq.mode(), Integer.toString(wq.sizeEntries()),
                    wq.type(), wq.state(), path(wq));
            }
        }
        table.print(out);
        if (devices.stream().allMatch(d -> d.usable().isEmpty())) {
            out.println(DsaSysfs.noUsableQueue(devices));
        }
    }

    private static String orDash(String text) {
        return text == null ? "-" : text;
    }
}
