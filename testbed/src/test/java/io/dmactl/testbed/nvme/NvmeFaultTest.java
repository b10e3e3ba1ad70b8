package io.dmactl.testbed.nvme;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.core.memory.IommuDomain;
import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.EngineMemory;
import io.dmactl.provider.nvme.NvmeProvider;
import io.dmactl.testbed.ByteChecks;
import io.dmactl.testbed.TestbedEnvironment;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciDevice;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault injection at the provider's boundary: the nvme engine is opened through a context that
 * hands it an unmapped IOVA for its PRP-list pages (every other address is real). Transfers of one
 * or two pages need no list and succeed; longer ones make the controller fetch a list through the
 * IOMMU, which refuses: QEMU completes them with Data Transfer Error, which must surface as
 * TRANSFER_FAULT within the op timeout, not as a hang, and the controller stays usable.
 */
@Tag("testbed")
class NvmeFaultTest {
    static final String NAME = "nvme-unmapped-prp-lists";
    static final int QUEUE_DEPTH = 16;
    /**
     * Below the list's real IOVA by this much: far from any mapping the core made (it fills the
     * IOVA space from the top of the emulated IOMMU's 39-bit width down), still inside that width.
     */
    static final long UNMAPPED_DISTANCE = 1L << 38;

    @Test
    void aPrpListAtAnUnmappedIovaCompletesWithATransferFaultAndTheControllerCarriesOn() throws Exception {
        try (DmaRuntime runtime = DmaRuntime.builder()
            .provider(new UnmappedPrpListProvider())
            .onlyProviders(NAME, "cpu")
            .option(NvmeProvider.OPTION_QUEUE_DEPTH, Integer.toString(QUEUE_DEPTH))
            .option(NvmeProvider.OPTION_CHANNELS, "1")
            .opTimeout(Duration.ofSeconds(20))
            .build()) {
            String engine = NAME + "@" + TestbedEnvironment.nvmePci();
            assertTrue(runtime.engines().stream().anyMatch(e -> e.name().equals(engine)),
                "no engine " + engine + "; engines " + runtime.engines() + ", diagnostics " + runtime.diagnostics());
            DevicePrivateSpace namespace = runtime.privateSpace(engine, NvmeProvider.namespaceSpace(1));
            try (DmaBuffer host = runtime.allocate(64 * 1024); DmaBuffer back = runtime.allocate(64 * 1024)) {
                byte[] data = pattern(8192, 5);
                write(host.segment(), 0, data);
                assertStatus(TransferStatus.SUCCESS, runtime, host, 0, namespace, 24L << 20, 4096, "one page: PRP1 only");
                assertStatus(TransferStatus.SUCCESS, runtime, host, 0, namespace, 24L << 20, 8192, "two pages: PRP2 is a page");
                TransferResult write = assertStatus(TransferStatus.TRANSFER_FAULT, runtime, host, 0, namespace, 25L << 20,
                    16384, "four pages: PRP2 points to the unmapped list");
                assertEquals(0x004, write.deviceCode(), "the CQE status: SCT 0 (generic), SC 04h Data Transfer Error");
                assertStatus(TransferStatus.TRANSFER_FAULT, runtime, namespace, 24L << 20, back, 0, 16384,
                    "a read through the unmapped list");
                assertStatus(TransferStatus.SUCCESS, runtime, namespace, 24L << 20, back, 0, 8192, "the controller carries on");
                ByteChecks.assertBytes(data, back.segment(), 0, "the two-page write read back");
            }
        }
    }

    private static TransferResult assertStatus(TransferStatus expected, DmaRuntime runtime, DmaLocation source, long sourceOffset,
                                               DmaLocation destination, long destinationOffset, int length, String what)
        throws Exception {
        TransferResult result = runtime.copy(source, sourceOffset, destination, destinationOffset, length)
            .get(NvmeTestbed.WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(expected, result.status(), what + ": " + result);
        return result;
    }

    /** nvme, opened through {@link UnmappedSlotPages}. */
    static final class UnmappedPrpListProvider implements DmaProvider {
        private final NvmeProvider nvme = new NvmeProvider();

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public DeviceRequirement devices() {
            return nvme.devices();
        }

        @Override
        public DmaEngine open(EngineContext context) {
            return nvme.open(new UnmappedSlotPages(context));
        }
    }

    /**
     * The runtime's context, except that the bus address of the engine's slot-page buffer
     * ({@value #QUEUE_DEPTH} pages: PRP lists and Copy ranges) is moved to where nothing is mapped.
     */
    record UnmappedSlotPages(EngineContext context) implements EngineContext, IommuDomain.Holder {
        @Override
        public long deviceAddress(DmaBuffer buffer, int dmaMaskBits) {
            long iova = context.deviceAddress(buffer, dmaMaskBits);
            return buffer.lengthBytes() == QUEUE_DEPTH * 4096L ? iova - UNMAPPED_DISTANCE : iova;
        }

        @Override
        public String engineName() {
            return context.engineName();
        }

        @Override
        public Optional<PciDevice> pciDevice() {
            return context.pciDevice();
        }

        @Override
        public Optional<VfioDevice> vfioDevice() {
            return context.vfioDevice();
        }

        @Override
        public Optional<IommuDomain> iommuDomain() {
            return IommuDomain.of(context);
        }

        @Override
        public boolean hasIommuDomain() {
            return context.hasIommuDomain();
        }

        @Override
        public EngineMemory memoryPool() {
            return context.memoryPool();
        }

        @Override
        public DevicePrivateSpace declarePrivateSpace(String name, long lengthBytes, int granularityBytes) {
            return context.declarePrivateSpace(name, lengthBytes, granularityBytes);
        }

        @Override
        public DeviceWindow declareWindow(String name, MemorySegment mapped) {
            return context.declareWindow(name, mapped);
        }

        @Override
        public LongSupplier nanoClock() {
            return context.nanoClock();
        }

        @Override
        public String option(String key, String defaultValue) {
            return context.option(key, defaultValue);
        }

        @Override
        public void releaseAfterDevice(DmaBuffer buffer) {
            context.releaseAfterDevice(buffer);
        }
    }
}
