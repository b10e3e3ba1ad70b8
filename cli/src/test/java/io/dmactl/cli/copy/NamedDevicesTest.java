package io.dmactl.cli.copy;

import io.dmactl.cli.FixtureMachine;
import io.dmactl.core.device.DeviceSource;
import io.dmactl.core.memory.IommuDomain;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciSysfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamedDevicesTest {

    @TempDir
    Path temporary;

    @Test
    void offersOnlyTheNamedDevicesForEnginesButEveryDeviceForWindows() {
        PciSysfs sysfs = FixtureMachine.q35(temporary).sysfs();
        List<String> closed = new ArrayList<>();
        DeviceSource all = new DeviceSource() {
            @Override
            public List<PciDevice> devices() {
                return sysfs.devices();
            }

            @Override
            public Optional<PciDevice> device(PciAddress address) {
                return sysfs.find(address);
            }

            @Override
            public Optional<IommuDomain> attach(List<PciDevice> devices, List<String> diagnostics) {
                return Optional.empty();
            }

            @Override
            public Optional<VfioDevice> open(PciDevice device) {
                return Optional.empty();
            }

            @Override
            public void close() {
                closed.add("all");
            }
        };
        assertTrue(sysfs.devices().size() > 3, "the fixture has several functions");
        PciAddress edu = PciAddress.parse("0000:00:02.0");
        PciAddress nvme = PciAddress.parse("0000:00:04.0");
        NamedDevices named = new NamedDevices(all, Set.of(edu));
        assertEquals(List.of(edu), named.devices().stream().map(PciDevice::address).toList());
        assertTrue(named.device(nvme).isPresent(), "a window of any device stays reachable");
        assertEquals(List.of(), new NamedDevices(all, Set.of()).devices());
        named.close();
        assertEquals(List.of("all"), closed);
    }
}
