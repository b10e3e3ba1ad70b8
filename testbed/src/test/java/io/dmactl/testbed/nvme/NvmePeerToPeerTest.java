package io.dmactl.testbed.nvme;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DmaLocation;
import io.dmactl.provider.nvme.NvmeProvider;
import io.dmactl.testbed.ByteChecks;
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
 * Peer to peer: ivshmem's BAR2, mapped into the nvme engine's IOMMU domain as a device window, is
 * the data buffer of Write and Read commands: window -> namespace -> window, checked through the
 * CPU's view of the BAR. The PRPs are IOVAs of the window's own mapping.
 */
@Tag("testbed")
class NvmePeerToPeerTest {
    static final int IVSHMEM_BAR = 2;

    @Test
    void ivshmemBarToNamespaceAndBack() throws Exception {
        String ivshmemPci = TestbedEnvironment.ivshmemPci();
        try (DmaRuntime runtime = DmaRuntime.builder()
            .onlyProviders(NvmeProvider.NAME, "cpu")
            .deviceWindow(ivshmemPci, IVSHMEM_BAR)
            .build()) {
            DevicePrivateSpace namespace = runtime.privateSpace(NvmeTestbed.engineName(), NvmeProvider.namespaceSpace(1));
            DeviceWindow ivshmem = runtime.window(ivshmemPci, IVSHMEM_BAR);
            int[][] cases = { // window offset, namespace offset, length
                {0x10_0000 + 12, 28 << 20, 4096},           // PRP1 and PRP2 (crosses a page)
                {0x20_0000, (28 << 20) + 65536, 96 * 1024}, // a PRP list of BAR pages
            };
            for (int c = 0; c < cases.length; c++) {
                int windowOffset = cases[c][0];
                int length = cases[c][2];
                byte[] data = pattern(length, 500 + c);
                write(ivshmem.segment(), windowOffset, data);
                copy(runtime, ivshmem, windowOffset, namespace, cases[c][1], length);
                int backOffset = 0x30_0000;
                ivshmem.segment().asSlice(backOffset - 64, length + 128).fill((byte) 0);
                copy(runtime, namespace, cases[c][1], ivshmem, backOffset, length);
                assertBytes(data, ivshmem.segment(), backOffset, "case " + c + ": window -> namespace -> window");
                assertFilled(ivshmem.segment(), backOffset - 64, 64, (byte) 0, "case " + c + ": before the range");
                assertFilled(ivshmem.segment(), backOffset + length, 64, (byte) 0, "case " + c + ": after the range");
            }
        }
    }

    private static void copy(DmaRuntime runtime, DmaLocation source, long sourceOffset, DmaLocation destination,
                             long destinationOffset, int length) throws Exception {
        TransferResult result = runtime.copy(source, sourceOffset, destination, destinationOffset, length)
            .get(NvmeTestbed.WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(TransferStatus.SUCCESS, result.status(), source.name() + " -> " + destination.name() + ": " + result);
        assertEquals(NvmeTestbed.engineName(), result.engine());
    }
}
