package io.dmactl.cli.host;

import io.dmactl.cli.FixtureMachine;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class EmulationTest {
    public static final String TCG_CPUINFO = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            model name\t: QEMU TCG CPU version 2.5+
            flags\t\t: fpu vme de pse tsc msr pae hypervisor lahf_lm
            """;

    @TempDir
    Path temporary;

    private static PciDevice device(int vendor, int device, int subsystemVendor, int subsystemDevice) {
        return new PciDevice(PciAddress.parse("0000:00:05.0"), vendor, device, 0x010000, 0, subsystemVendor, subsystemDevice,
                Optional.empty(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), List.of());
    }

    @Test
    void qemuDevicesAreKnownByTheirVendorOrQemusSubsystemVendor() {
        assertEquals(Optional.of("an emulated device: 1234:11e8, QEMU's vendor id"),
                Emulation.device(device(0x1234, 0x11e8, 0x1af4, 0x1100)));
        assertEquals(Optional.of("an emulated device: 1b36:0010, Red Hat's vendor id for QEMU devices"),
                Emulation.device(device(0x1b36, 0x0010, 0x1af4, 0x1100)));
        // The testbed's LSI53C895A: LSI's own ids, but QEMU's subsystem vendor.
        assertEquals(Optional.of("an emulated device: 1000:0012, subsystem 1af4:1000 (QEMU's)"),
                Emulation.device(device(0x1000, 0x0012, 0x1af4, 0x1000)));
        // A real I/OAT engine, and QEMU's e1000e, which sets an Intel subsystem: nothing to go by.
        assertEquals(Optional.empty(), Emulation.device(device(0x8086, 0x0b00, 0x8086, 0x0000)));
    }

    @Test
    void aTcgCpuMakesEveryEngineEmulatedAndTheMachineVirtual() throws IOException {
        Path proc = Files.createDirectories(temporary.resolve("proc"));
        Files.writeString(proc.resolve("cpuinfo"), TCG_CPUINFO);
        Emulation emulation = Emulation.detect(temporary.resolve("sys"), proc);
        assertEquals(Optional.of("the CPU is emulated (QEMU TCG: \"QEMU TCG CPU version 2.5+\")"), emulation.cpu());
        assertEquals(Optional.of("a virtual machine (the CPU's hypervisor flag)"), emulation.virtualMachine());
    }

    @Test
    void aVirtualMachineWithARealCpuIsOnlyNoted() throws IOException {
        Path proc = Files.createDirectories(temporary.resolve("proc"));
        Files.writeString(proc.resolve("cpuinfo"), TCG_CPUINFO.replace("QEMU TCG CPU version 2.5+", "AMD EPYC"));
        Path dmi = Files.createDirectories(temporary.resolve("sys/class/dmi/id"));
        Files.writeString(dmi.resolve("sys_vendor"), "QEMU\n");
        Emulation emulation = Emulation.detect(temporary.resolve("sys"), proc);
        assertEquals(Optional.empty(), emulation.cpu());
        assertEquals(Optional.of("a virtual machine (DMI system vendor QEMU)"), emulation.virtualMachine());
    }

    @Test
    void nothingToReadIsHardware() {
        assertEquals(Emulation.NONE, Emulation.detect(temporary.resolve("sys"), temporary.resolve("proc")));
    }

    @Test
    void anEngineIsJudgedByItsDeviceThenByTheCpu() throws IOException {
        FixtureMachine machine = FixtureMachine.q35(temporary.resolve("machine"));
        assertEquals(Optional.of("an emulated device: 1234:11e8, QEMU's vendor id"),
                Emulation.NONE.engine("edu@0000:00:03.0", machine.sysfs()));
        assertEquals(Optional.empty(), Emulation.NONE.engine("cpu", machine.sysfs()));
        assertEquals(Optional.empty(), Emulation.NONE.engine("e1000@0000:00:02.0", machine.sysfs()));
        assertEquals(Optional.empty(), Emulation.NONE.engine("odd@name", machine.sysfs()));
        Emulation tcg = new Emulation(Optional.of("the CPU is emulated"), Optional.of("a virtual machine"));
        assertEquals(Optional.of("the CPU is emulated"), tcg.engine("cpu", machine.sysfs()));
        assertTrue(tcg.engine("nvme@0000:00:04.0", machine.sysfs()).orElseThrow().contains("1b36:0010"));
    }
}
