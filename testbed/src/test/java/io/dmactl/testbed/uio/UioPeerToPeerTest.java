package io.dmactl.testbed.uio;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.provider.nvme.NvmeProvider;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.assertFilled;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Peer to peer without an IOMMU: ivshmem's BAR2 (bound to uio_pci_generic, mapped from sysfs
 * resource2) as a device window; the nvme engine's PRPs are the BAR's physical addresses from
 * sysfs resource. Window -> namespace -> window, checked through the CPU's view of the BAR.
 */
@Tag("uio")
class UioPeerToPeerTest {
    private static final int IVSHMEM_BAR = 2;

    @Test
    void ivshmemBarToNamespaceAndBackByPhysicalBarAddress() throws Exception {
        String ivshmemPci = TestbedEnvironment.ivshmemPci();
        String engine = "nvme@" + TestbedEnvironment.nvmePci();
        try (DmaRuntime runtime = DmaRuntime.builder().onlyProviders(NvmeProvider.NAME)
                 .uioDevicesMayWriteAnywhereInMemory(true)
                 .option(NvmeProvider.OPTION_COMPLETION, "poll").option(NvmeProvider.OPTION_CHANNELS, "1")
                 .deviceWindow(ivshmemPci, IVSHMEM_BAR).build()) {
            DevicePrivateSpace namespace = runtime.privateSpace(engine, NvmeProvider.namespaceSpace(1));
            DeviceWindow ivshmem = runtime.window(ivshmemPci, IVSHMEM_BAR);
            int length = 12 * 1024; // whole 512-byte blocks; the window offset +12 makes PRP1 start mid-page
            byte[] data = pattern(length, 77);
            write(ivshmem.segment(), 0x10_0000 + 12, data);
            copy(runtime, engine, ivshmem, 0x10_0000 + 12, namespace, 3 << 20, length);
            int back = 0x30_0000;
            ivshmem.segment().asSlice(back - 64, length + 128).fill((byte) 0);
            copy(runtime, engine, namespace, 3 << 20, ivshmem, back, length);
            assertBytes(data, ivshmem.segment(), back, "window -> namespace -> window over UIO");
            assertFilled(ivshmem.segment(), back - 64, 64, (byte) 0, "before the range");
            assertFilled(ivshmem.segment(), back + length, 64, (byte) 0, "after the range");
        }
    }

    private static void copy(DmaRuntime runtime, String engine, DmaLocation source, long sourceOffset, DmaLocation destination,
                             long destinationOffset, int length) throws Exception {
        TransferResult result = runtime.copy(source, sourceOffset, destination, destinationOffset, length)
            .get(60, TimeUnit.SECONDS);
        assertEquals(TransferStatus.SUCCESS, result.status(), source.name() + " -> " + destination.name() + ": " + result);
        assertEquals(engine, result.engine());
    }
}
