package io.dmactl.cli.host;

import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciSysfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether figures dmactl measures come from emulated hardware, so {@code bench}, {@code selftest}
 * and {@code copy} can say so next to them (text and {@code --json}):
 * <ul>
 *   <li>an emulated <b>device</b>: QEMU's own vendor id 1234 (edu), Red Hat's 1b36 (QEMU's nvme,
 *       pci-testdev, ...), or subsystem vendor 1af4, which QEMU gives every device it emulates
 *       that sets none of its own (the testbed's LSI53C895A shows 1af4:1000);</li>
 *   <li>an emulated <b>CPU</b>: QEMU's TCG, whose CPU model names itself ("QEMU TCG CPU version
 *       ...", /proc/cpuinfo): then every engine's figures, the software engine's too, are the
 *       emulator's;</li>
 *   <li>a <b>virtual machine</b> (DMI system vendor QEMU, or the CPU's hypervisor flag) is only
 *       noted: under KVM the CPU is real and a passed-through device is hardware.</li>
 * </ul>
 *
 * @param cpu            why the CPU is emulated, or empty
 * @param virtualMachine which virtual machine this is, or empty
 */
public record Emulation(Optional<String> cpu, Optional<String> virtualMachine) {
    static final int QEMU_VENDOR = 0x1234;
    static final int RED_HAT_QEMU_VENDOR = 0x1b36;
    static final int QEMU_SUBSYSTEM_VENDOR = 0x1af4;

    /** Real hardware, as far as anyone can tell. */
    public static final Emulation NONE = new Emulation(Optional.empty(), Optional.empty());

    /** Reads {@code <proc>/cpuinfo} and {@code <sysfs>/class/dmi/id/sys_vendor}; a file that is missing says nothing. */
    public static Emulation detect(Path sysfsRoot, Path procRoot) {
        List<String> cpuinfo = lines(procRoot.resolve("cpuinfo"));
        Optional<String> model = cpuinfo.stream().filter(line -> line.startsWith("model name")).findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).strip());
        Optional<String> cpu = model.filter(name -> name.startsWith("QEMU TCG"))
                .map(name -> "the CPU is emulated (QEMU TCG: \"" + name + "\")");
        Optional<String> vendor = lines(sysfsRoot.resolve("class/dmi/id/sys_vendor")).stream().findFirst().map(String::strip)
                .filter(name -> !name.isEmpty());
        Optional<String> vm = vendor.filter(name -> name.toUpperCase(Locale.ROOT).contains("QEMU")
                        || name.toUpperCase(Locale.ROOT).contains("KVM"))
                .map(name -> "a virtual machine (DMI system vendor " + name + ")");
        if (vm.isEmpty() && cpuinfo.stream().anyMatch(line -> line.startsWith("flags") && (" " + line + " ").contains(" hypervisor "))) {
            vm = Optional.of("a virtual machine (the CPU's hypervisor flag)");
        }
        return new Emulation(cpu, vm.or(() -> cpu.map(reason -> "a virtual machine (QEMU TCG)")));
    }

    /** The live machine's. */
    public static Emulation of(HostSystem host) {
        return detect(host.sysfs().root(), host.procRoot());
    }

    /** Why a device is emulated, or empty when it looks like hardware. */
    public static Optional<String> device(PciDevice device) {
        String ids = String.format(Locale.ROOT, "%04x:%04x", device.vendorId(), device.deviceId());
        if (device.vendorId() == QEMU_VENDOR) {
            return Optional.of("an emulated device: " + ids + ", QEMU's vendor id");
        }
        if (device.vendorId() == RED_HAT_QEMU_VENDOR) {
            return Optional.of("an emulated device: " + ids + ", Red Hat's vendor id for QEMU devices");
        }
        if (device.subsystemVendorId() == QEMU_SUBSYSTEM_VENDOR) {
            return Optional.of(String.format(Locale.ROOT, "an emulated device: %s, subsystem %04x:%04x (QEMU's)", ids,
                    device.subsystemVendorId(), device.subsystemDeviceId()));
        }
        return Optional.empty();
    }

    /**
     * Why the figures of {@code engine} are measured under emulation: its device is emulated (a
     * device engine is named {@code provider@address}), else the CPU is; empty for hardware.
     */
    public Optional<String> engine(String engine, PciSysfs sysfs) {
        int at = engine.indexOf('@');
        if (at >= 0) {
            try {
                Optional<String> device = sysfs.find(PciAddress.parse(engine.substring(at + 1))).flatMap(Emulation::device);
                if (device.isPresent()) {
                    return device;
                }
            } catch (IllegalArgumentException notAnAddress) {
                // an engine name with an @ that is not a PCI address: judged by the CPU alone
            }
        }
        return cpu;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
