package io.dmactl.testbed.edu;

import io.dmactl.testbed.TestbedEnvironment;
import io.dmactl.core.conformance.DmaEngineConformanceTest;
import io.dmactl.core.conformance.EngineFixture;
import io.dmactl.core.conformance.ProviderFixture;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.memory.VfioIommuDomain;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.provider.edu.EduProvider;
import io.dmactl.vfio.VfioContainer;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciSysfs;
import org.junit.jupiter.api.Tag;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shared fast-path suite against the real edu device in the guest, completion by MSI. edu has
 * no MEM_TO_MEM, so every host copy of the suite is a round trip through its 4 KiB buffer; fill is
 * skipped (edu has none). At ~100 ms per DMA the suite runs lean: a 4-slot ring (option
 * {@code edu.ringSize}), at most 4 ops in flight, two trips around the ring: about 60 DMAs.
 */
@Tag("testbed")
class EduConformanceTest extends DmaEngineConformanceTest {
    private static final int RING_SIZE = 4;

    @Override
    protected EngineFixture openFixture() {
        VfioContainer container = VfioContainer.open();
        try {
            VfioDevice device = container.attachGroup(TestbedEnvironment.eduGroup()).openDevice(TestbedEnvironment.eduPci());
            ProviderFixture provider = new ProviderFixture(new EduProvider(),
                Optional.of(PciSysfs.system().require(PciAddress.parse(TestbedEnvironment.eduPci()))), Optional.of(device),
                new VfioIommuDomain(container),
                Map.of(EduProvider.OPTION_COMPLETION, "msi", EduProvider.OPTION_RING_SIZE, Integer.toString(RING_SIZE)),
                new ArenaPageSource(4096));
            return new ContainerFixture(provider, container);
        } catch (RuntimeException | Error e) {
            container.close();
            throw e;
        }
    }

    @Override
    protected int maxOpsInFlight() {
        return RING_SIZE;
    }

    @Override
    protected int ringWraps() {
        return 2;
    }

    @Override
    protected int largestOpBytes() {
        return EduTestbed.EDU_BUFFER_BYTES;
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
