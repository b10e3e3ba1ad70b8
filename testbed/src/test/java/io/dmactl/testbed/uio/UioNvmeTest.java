package io.dmactl.testbed.uio;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.provider.nvme.NvmeProvider;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The NVMe controller through uio_pci_generic, with the opt-in: a round trip through namespace 1, byte for byte. */
@Tag("uio")
class UioNvmeTest {
    private static final long WAIT_SECONDS = 60;

    @Test
    void bytesGoThroughTheNamespaceByPhysicalAddress() throws Exception {
        String engine = "nvme@" + TestbedEnvironment.nvmePci();
        try (DmaRuntime runtime = DmaRuntime.builder().onlyProviders(NvmeProvider.NAME)
                 .uioDevicesMayWriteAnywhereInMemory(true)
                 .option(NvmeProvider.OPTION_COMPLETION, "poll").option(NvmeProvider.OPTION_CHANNELS, "1").build();
             DmaBuffer host = runtime.allocate(256 * 1024)) {
            assertEquals(engine, runtime.engines().getFirst().name(), runtime.diagnostics().toString());
            DevicePrivateSpace namespace = runtime.privateSpace(engine, NvmeProvider.namespaceSpace(1));
            byte[] data = pattern(128 * 1024, 41);
            write(host.segment(), 0, data);
            TransferResult in = runtime.copy(host, 0, namespace, 1 << 20, data.length).get(WAIT_SECONDS, TimeUnit.SECONDS);
            TransferResult out = runtime.copy(namespace, 1 << 20, host, 128 * 1024, data.length).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(TransferStatus.SUCCESS, in.status(), in.toString());
            assertEquals(TransferStatus.SUCCESS, out.status(), out.toString());
            assertBytes(data, host.segment(), 128 * 1024, "host memory after a round trip through nvme over UIO");
        }
    }
}
