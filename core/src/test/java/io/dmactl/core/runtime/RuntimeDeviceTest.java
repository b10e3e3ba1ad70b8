package io.dmactl.core.runtime;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.sim.FakeDeviceSource;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.SimConfig;
import io.dmactl.core.sim.SimControl;
import io.dmactl.core.sim.SimProvider;
import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.PciMatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.sim.SimRuntimes.randomBytes;
import static io.dmactl.core.sim.SimRuntimes.read;
import static io.dmactl.core.sim.SimRuntimes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Device providers get one engine per matching function, all in the device source's IOMMU domain. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeDeviceTest {

    @Test
    void oneEnginePerMatchingFunctionNamedByAddress() {
        FakeIommuDomain iommu = new FakeIommuDomain("container");
        FakeDeviceSource source = new FakeDeviceSource(iommu,
            FakeDeviceSource.function("0000:00:04.0", 0x1234, 0x11e8, 0x00ff00, 5),
            FakeDeviceSource.function("0000:00:05.0", 0x1234, 0x11e8, 0x00ff00, 6),
            FakeDeviceSource.function("0000:00:06.0", 0x1af4, 0x1110, 0x050000, 7));
        SimProvider edu = new SimProvider(SimConfig.defaults().withName("edu"), new SimControl(),
            DeviceRequirement.pci(PciMatch.ofId(0x1234, 0x11e8)));
        SimProvider nvme = new SimProvider(SimConfig.defaults().withName("nvme"), new SimControl(),
            DeviceRequirement.pci(PciMatch.ofClass(0x010802, 0xffffff)));
        try (DmaRuntime dma = RuntimeInternals.deviceSource(RuntimeInternals.pageSource(DmaRuntime.builder().discoverProviders(false), new ArenaPageSource(4096))
                 .provider(edu).provider(nvme), source).build();
             DmaBuffer src = dma.allocate(4096);
             DmaBuffer back = dma.allocate(4096)) {
            List<String> names = dma.engines().stream().map(EngineInfo::name).toList();
            assertEquals(List.of("edu@0000:00:04.0", "edu@0000:00:05.0"), names);
            assertEquals("0000:00:05.0", dma.engines().get(1).device().orElseThrow());
            assertEquals(2, source.attached().size(), "only claimed functions join the domain");
            assertTrue(dma.diagnostics().toString().contains("provider 'nvme': no function bound to vfio-pci matches"),
                dma.diagnostics().toString());

            write(src, 0, randomBytes(4096, 12));
            var second = dma.privateSpace("edu@0000:00:05.0", "sram");
            assertEquals("edu@0000:00:05.0", dma.copy(src, 0, second, 0, 4096).join().engine());
            assertEquals(TransferStatus.SUCCESS, dma.copy(second, 0, back, 0, 4096).join().status());
            assertArrayEquals(read(src, 0, 4096), read(back, 0, 4096));
            assertTrue(RuntimeInternals.iovaOf(dma, src, "edu@0000:00:04.0").isPresent(), "one domain: mapped for both functions");
        }
        assertTrue(source.isClosed(), "the runtime closes its device source");
        assertEquals(0, iommu.mappingCount());
    }

    @Test
    void windowsOfUnknownOrClaimedFunctionsAreRefused() {
        FakeDeviceSource source = new FakeDeviceSource(new FakeIommuDomain("container"),
            FakeDeviceSource.function("0000:00:04.0", 0x1234, 0x11e8, 0x00ff00, 5));
        SimProvider edu = new SimProvider(SimConfig.defaults().withName("edu"), new SimControl(),
            DeviceRequirement.pci(PciMatch.ofId(0x1234, 0x11e8)));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> RuntimeInternals.deviceSource(RuntimeInternals.pageSource(DmaRuntime.builder()
            .discoverProviders(false), new ArenaPageSource(4096)).provider(edu), source)
            .deviceWindow("0000:00:09.0", 2).build());
        assertTrue(unknown.getMessage().contains("there is no PCI function 0000:00:09.0"), unknown.getMessage());
        IllegalArgumentException claimed = assertThrows(IllegalArgumentException.class, () -> RuntimeInternals.deviceSource(RuntimeInternals.pageSource(DmaRuntime.builder()
            .discoverProviders(false), new ArenaPageSource(4096)).provider(edu), source)
            .deviceWindow("0000:00:04.0", 0).build());
        assertTrue(claimed.getMessage().contains("driven by provider 'edu'"), claimed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DmaRuntime.builder().deviceWindow("0000:00:04.0", 6));
    }
}
