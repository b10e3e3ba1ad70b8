package io.dmactl.testbed.nvme;

import io.dmactl.testbed.TestbedEnvironment;
import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.conformance.ProviderFixture;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.memory.VfioIommuDomain;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.provider.nvme.NvmeProvider;
import io.dmactl.vfio.VfioContainer;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciSysfs;
import org.junit.jupiter.api.Tag;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shared fast-path suite against the emulated NVMe controller in the guest, SQs in host
 * memory, polled. nvme has no MEM_TO_MEM, so every host copy of the suite is a round trip through
 * namespace 1 (Write, then a fenced Read); fill is skipped (NVMe has none).
 */
@Tag("testbed")
class NvmeConformanceTest extends DmaEngineConformanceTest {
    private static final int QUEUE_DEPTH = 64;

    @Override
    protected EngineFixture openFixture() {
        VfioContainer container = VfioContainer.open();
        try {
            int group = TestbedEnvironment.nvmeGroup();
            VfioDevice device = container.attachGroup(group).openDevice(TestbedEnvironment.nvmePci());
            ProviderFixture provider = new ProviderFixture(new NvmeProvider(),
                Optional.of(PciSysfs.system().require(PciAddress.parse(TestbedEnvironment.nvmePci()))), Optional.of(device),
                new VfioIommuDomain(container),
                Map.of(NvmeProvider.OPTION_QUEUE_DEPTH, Integer.toString(QUEUE_DEPTH), NvmeProvider.OPTION_CHANNELS, "2",
                    NvmeProvider.OPTION_COMPLETION, completion()),
                new ArenaPageSource(4096));
            return new ContainerFixture(provider, container);
        } catch (RuntimeException | Error e) {
            container.close();
            throw e;
        }
    }

    /** The nvme.completion option: poll here. */
    protected String completion() {
        return "poll";
    }

    @Override
    protected int maxOpsInFlight() {
        return QUEUE_DEPTH / 2;
    }

    @Override
    protected int largestOpBytes() {
        return 256 * 1024;
    }

    /** The provider fixture, then the VFIO container the device was opened in (which the fixture does not own). */
    private record ContainerFixture(ProviderFixture provider, VfioContainer container) implements EngineFixture {
        @Override
        public DmaEngine engine() {
            return provider.engine();
        }

        @Override
        public HostRegion allocateHost(int lengthBytes) {
            return provider.allocateHost(lengthBytes);
        }

        @Override
        public List<DevicePrivateSpace> privateSpaces() {
            return provider.privateSpaces();
        }

        @Override
        public void close() {
            try {
                provider.close();
            } finally {
                container.close();
            }
        }
    }
}
